// What several parts of the users page share.

/** A user as the page names them: "Full Name (user.name)", or the user name alone. */
export function who(user) {
  return user.name && user.name !== user.username ? `${user.name} (${user.username})` : user.username;
}
