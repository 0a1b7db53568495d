// Words shown for the API's codes, and role checks.

export function orgKindLabel(kind) {
  switch (kind) {
    case 'council': return 'Council';
    case 'home_office': return 'Home Office';
    case 'network': return 'Network';
    default: return kind ? String(kind) : 'Unknown';
  }
}

export function roleLabel(role) {
  switch (role) {
    case 'admin': return 'Administrator';
    case 'user': return 'User';
    default: return role ? String(role) : 'Unknown';
  }
}

export function isAdmin(user) {
  return Boolean(user && user.role === 'admin');
}

export function isNetworkAdmin(user) {
  return isAdmin(user) && user.org && user.org.kind === 'network';
}

export function yesNo(b) {
  return b ? 'Yes' : 'No';
}
