/* json_members.c - top-level members of a JSON object text without parsing the rest (json_members.h). */
#include "json_members.h"

#include <stdint.h>
#include <string.h>

static size_t skip_ws(const char *t, size_t len, size_t i)
{
    while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        i++;
    return i;
}

/* The bytes skip_value stops at inside a container: quotes and brackets. */
static const unsigned char structural[256] = {['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1};

/* The length of name's first segment: up to its first dot or its end. (strcspn costs more than the
 * few bytes of a member name: it runs for every name of every record a list row reads.) */
static size_t first_segment(const char *name)
{
    size_t n = 0;
    while (name[n] && name[n] != '.')
        n++;
    return n;
}

/* t[i] is '"': the index just past the closing quote, or len when unterminated. */
static size_t skip_string(const char *t, size_t len, size_t i)
{
    /* memchr finds each quote (most of a record's bytes are string characters, and it looks at many
     * at a time); a quote ends the string unless an odd run of backslashes, within the string, comes
     * just before it. */
    size_t start = i + 1;
    /* Most strings are short (keys, dates, codes): for their first bytes a plain loop beats the call. */
    size_t quick = len - start < 16 ? len : start + 16;
    for (i = start; i < len;) {
        const char *q;
        if (i < quick) {
            while (i < quick && t[i] != '"')
                i++;
            if (i == quick)
                continue;
            q = t + i;
        } else if (!(q = memchr(t + i, '"', len - i))) {
            return len;
        }
        size_t at = (size_t)(q - t), run = 0;
        while (at - run > start && t[at - run - 1] == '\\')
            run++;
        if (run % 2 == 0)
            return at + 1;
        i = at + 1;
    }
    return len;
}

/* The index just past the value starting at t[i], or len when it does not end. Strings are skipped
 * whole, so brackets inside them do not count. */
static size_t skip_value(const char *t, size_t len, size_t i)
{
    if (i >= len)
        return len;
    if (t[i] == '"')
        return skip_string(t, len, i);
    if (t[i] == '{' || t[i] == '[') {
        size_t depth = 0;
        while (i < len) {
            /* a record's nested members (dependants, documents) are most of what is skipped: jump
             * over the bytes that cannot open, close or quote anything a table look-up at a time */
            while (i < len && !structural[(unsigned char)t[i]])
                i++;
            if (i >= len)
                break;
            char c = t[i];
            if (c == '"') {
                i = skip_string(t, len, i);
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if (--depth == 0)
                return i + 1;
            i++;
        }
        return len;
    }
    while (i < len && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' && t[i] != '\n' && t[i] != '\r' &&
           t[i] != '\t')
        i++;
    return i;
}

/* Elements of the array text t[0..len) ('[' ... ']'), or -1 when it is not one. */
static long count_elements(const char *t, size_t len)
{
    size_t i = skip_ws(t, len, 1);
    if (len < 2 || t[0] != '[')
        return -1;
    if (i < len && t[i] == ']')
        return 0;
    long n = 0;
    while (i < len) {
        size_t end = skip_value(t, len, i);
        if (end >= len || end == i)
            return -1;
        n++;
        i = skip_ws(t, len, end);
        if (i < len && t[i] == ']')
            return n;
        if (i >= len || t[i] != ',')
            return -1;
        i = skip_ws(t, len, i + 1);
    }
    return -1;
}

/* A scalar value without jansson's loader, which costs more than the rest of a small member: a
 * string without escapes, a whole number of up to 18 digits, true, false or null. NULL otherwise
 * (the caller parses it then). */
static json_t *simple_value(const char *v, size_t vlen)
{
    if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"' && !memchr(v + 1, '\\', vlen - 2))
        return json_stringn(v + 1, vlen - 2); /* checks the UTF-8 itself */
    size_t digits = vlen && v[0] == '-' ? 1 : 0;
    if (vlen > digits && vlen - digits <= 18 && strspn(v + digits, "0123456789") == vlen - digits) {
        json_int_t n = 0;
        for (size_t i = digits; i < vlen; i++)
            n = n * 10 + (v[i] - '0');
        return json_integer(digits ? -n : n);
    }
    if (vlen == 4 && memcmp(v, "true", 4) == 0)
        return json_true();
    if (vlen == 5 && memcmp(v, "false", 5) == 0)
        return json_false();
    if (vlen == 4 && memcmp(v, "null", 4) == 0)
        return json_null();
    return NULL;
}

/* How name relates to the key k[0..kl) (raw bytes, which may hold anything): 1 when it is the key,
 * 2 when it is "key.child", 0 otherwise. Never reads name past its terminator. */
static int name_vs_key(const char *name, const char *k, size_t kl)
{
    size_t nl = strnlen(name, kl + 1);
    if (nl < kl || memcmp(name, k, kl) != 0)
        return 0;
    return nl == kl ? 1 : name[kl] == '.' ? 2 : 0;
}

#define CHILDREN_MAX 32

/* Adds the member named by the key t[ks..ke) with the value v[0..vlen) to out when names ask for it:
 * whole (its name), counted ("#name"), or some of its own members ("name.child"). 0, or -1 when the
 * value cannot be read or memory runs out. */
static int add_wanted(json_t *out, const char *const *names, const char *t, size_t ks, size_t ke, const char *v,
                      size_t vlen)
{
    size_t kl = ke - ks;
    const char *children[CHILDREN_MAX + 1];
    size_t nc = 0;
    for (int n = 0; names[n]; n++) {
        const char *name = names[n][0] == '#' ? names[n] + 1 : names[n];
        int rel = name_vs_key(name, t + ks, kl);
        if (!rel)
            continue;
        if (rel == 1) {
            if (names[n][0] == '#') {
                long count = count_elements(v, vlen);
                json_t *a = count < 0 ? NULL : json_array();
                for (long i = 0; a && i < count; i++)
                    if (json_array_append_new(a, json_null())) {
                        json_decref(a);
                        a = NULL;
                    }
                return a ? json_object_set_new(out, name, a) : -1;
            }
            json_t *value = simple_value(v, vlen);
            if (!value)
                value = json_loadb(v, vlen, JSON_DECODE_ANY, NULL);
            return value ? json_object_setn_new(out, t + ks, kl, value) : -1;
        }
        if (names[n][0] != '#' && nc < CHILDREN_MAX)
            children[nc++] = name + kl + 1;
    }
    if (nc == 0)
        return 0;
    children[nc] = NULL;
    json_t *value = json_members_load(v, vlen, children);
    return value ? json_object_setn_new(out, t + ks, kl, value) : -1;
}

/* How many distinct top-level members names ask for ("a", "#a" and "a.b" are all member a). */
static size_t distinct_members(const char *const *names)
{
    size_t n = 0;
    for (size_t i = 0; names[i]; i++) {
        const char *a = names[i][0] == '#' ? names[i] + 1 : names[i];
        size_t al = strcspn(a, ".");
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            const char *b = names[j][0] == '#' ? names[j] + 1 : names[j];
            seen = strcspn(b, ".") == al && strncmp(a, b, al) == 0;
        }
        n += !seen;
    }
    return n;
}

json_t *json_members_load(const char *text, size_t len, const char *const *names)
{
    size_t wanted = distinct_members(names);
    size_t i = skip_ws(text, len, 0);
    if (i >= len || text[i] != '{')
        return NULL;
    json_t *out = json_object();
    i = skip_ws(text, len, i + 1);
    if (out && i < len && text[i] == '}')
        return out;
    while (out && i < len && text[i] == '"') {
        size_t ke = skip_string(text, len, i);
        if (ke >= len)
            break;
        size_t ks = i + 1;
        i = skip_ws(text, len, ke);
        if (i >= len || text[i] != ':')
            break;
        size_t vs = skip_ws(text, len, i + 1), ve = skip_value(text, len, vs);
        if (ve >= len || ve == vs)
            break;
        if (add_wanted(out, names, text, ks, ke - 1, text + vs, ve - vs))
            break;
        if (json_object_size(out) == wanted)
            return out; /* every member asked for: the rest of the record is not read */
        i = skip_ws(text, len, ve);
        if (i < len && text[i] == '}')
            return out;
        if (i >= len || text[i] != ',')
            break;
        i = skip_ws(text, len, i + 1);
    }
    json_decref(out);
    return NULL;
}

/* One level of json_members_slices: names[i] (already past any "parent.") for i in want[0..n); seg[i]
 * is the length of names[i]'s first segment (up to a dot or its end), so that most keys are told
 * apart by their length alone. */
static int slices_level(const char *text, size_t len, const char *const *names, const size_t *want,
                        const size_t *seg, size_t n, json_slice *out)
{
    size_t i = skip_ws(text, len, 0), found = 0;
    if (i >= len || text[i] != '{')
        return -1;
    i = skip_ws(text, len, i + 1);
    if (i < len && text[i] == '}')
        return 0;
    /* Bit k set when some name's first segment is k bytes long (bit 63: 63 or more): a record has
     * many members a row does not want, and most are passed over on their key's length alone. */
    uint64_t lengths = 0;
    for (size_t w = 0; w < n; w++)
        lengths |= (uint64_t)1 << (seg[w] < 63 ? seg[w] : 63);
    while (i < len && text[i] == '"') {
        size_t ke = skip_string(text, len, i);
        if (ke >= len)
            return -1;
        size_t ks = i + 1, kl = ke - 1 - ks;
        i = skip_ws(text, len, ke);
        if (i >= len || text[i] != ':')
            return -1;
        size_t vs = skip_ws(text, len, i + 1), ve = skip_value(text, len, vs);
        if (ve >= len || ve == vs)
            return -1;
        size_t child[JSON_SLICES_MAX], nc = 0;
        for (size_t w = (lengths >> (kl < 63 ? kl : 63) & 1) ? 0 : n; w < n; w++) {
            const char *name = names[want[w]];
            if (seg[w] != kl || (kl && name[0] != text[ks]) || memcmp(name, text + ks, kl) != 0)
                continue;
            if (name[kl] == '\0') {
                if (!out[want[w]].p) {
                    out[want[w]] = (json_slice){text + vs, ve - vs};
                    found++;
                }
            } else {
                child[nc++] = w;
            }
        }
        if (nc) {
            const char *sub[JSON_SLICES_MAX];
            json_slice got[JSON_SLICES_MAX] = {{0}};
            size_t idx[JSON_SLICES_MAX], subseg[JSON_SLICES_MAX];
            for (size_t c = 0; c < nc; c++) {
                sub[c] = names[want[child[c]]] + kl + 1;
                idx[c] = c;
                subseg[c] = first_segment(sub[c]);
            }
            /* A member that is not an object has no children: they stay absent. */
            if (text[vs] == '{' && slices_level(text + vs, ve - vs, sub, idx, subseg, nc, got))
                return -1;
            for (size_t c = 0; c < nc; c++)
                if (!out[want[child[c]]].p && got[c].p)
                    out[want[child[c]]] = got[c];
            found += nc;
        }
        if (found >= n)
            return 0; /* every member asked for: the rest is not read */
        i = skip_ws(text, len, ve);
        if (i < len && text[i] == '}')
            return 0;
        if (i >= len || text[i] != ',')
            return -1;
        i = skip_ws(text, len, i + 1);
    }
    return -1;
}

int json_members_slices(const char *text, size_t len, const char *const *names, size_t n, json_slice *out)
{
    size_t want[JSON_SLICES_MAX], seg[JSON_SLICES_MAX];
    if (n > JSON_SLICES_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        out[i] = (json_slice){NULL, 0};
        want[i] = i;
        seg[i] = first_segment(names[i]);
    }
    return slices_level(text, len, names, want, seg, n, out);
}

long json_slice_count(json_slice v)
{
    return v.p ? count_elements(v.p, v.len) : -1;
}

json_slice json_slice_string_body(json_slice v)
{
    if (!v.p || v.len < 2 || v.p[0] != '"' || v.p[v.len - 1] != '"')
        return (json_slice){NULL, 0};
    return (json_slice){v.p + 1, v.len - 2};
}

/* The first element or member of a container at t[0] ('{' or '['), or the next after *pos (just past
 * the previous value): its start in *at, 1; 0 at the closing bracket; -1 when unreadable. */
static int container_next(const char *t, size_t len, char open, size_t *pos, size_t *at)
{
    char close = open == '{' ? '}' : ']';
    size_t i;
    if (!t || *pos >= len)
        return t ? 0 : -1;
    if (*pos == 0) {
        i = skip_ws(t, len, 0);
        if (i >= len || t[i] != open)
            return -1;
        i = skip_ws(t, len, i + 1);
    } else {
        i = skip_ws(t, len, *pos);
        if (i < len && t[i] == close) {
            *pos = len;
            return 0;
        }
        if (i >= len || t[i] != ',')
            return -1;
        i = skip_ws(t, len, i + 1);
    }
    if (*pos == 0 && i < len && t[i] == close) {
        *pos = len;
        return 0;
    }
    *at = i;
    return 1;
}

int json_slice_object_next(json_slice obj, size_t *pos, json_slice *key, json_slice *value)
{
    const char *t = obj.p;
    size_t len = obj.len, i;
    int rc = container_next(t, len, '{', pos, &i);
    if (rc <= 0)
        return rc;
    if (i >= len || t[i] != '"')
        return -1;
    size_t ke = skip_string(t, len, i);
    if (ke >= len)
        return -1;
    *key = (json_slice){t + i + 1, ke - i - 2};
    i = skip_ws(t, len, ke);
    if (i >= len || t[i] != ':')
        return -1;
    size_t vs = skip_ws(t, len, i + 1), ve = skip_value(t, len, vs);
    if (ve >= len || ve == vs)
        return -1;
    *value = (json_slice){t + vs, ve - vs};
    *pos = ve;
    return 1;
}

int json_slice_array_next(json_slice arr, size_t *pos, json_slice *elem)
{
    const char *t = arr.p;
    size_t len = arr.len, i;
    int rc = container_next(t, len, '[', pos, &i);
    if (rc <= 0)
        return rc;
    size_t ve = skip_value(t, len, i);
    if (ve >= len || ve == i)
        return -1;
    *elem = (json_slice){t + i, ve - i};
    *pos = ve;
    return 1;
}

int json_slice_key_is(json_slice key, const char *name)
{
    size_t n = strlen(name);
    return key.len == n && memcmp(key.p, name, n) == 0;
}

long long json_slice_uint(json_slice v)
{
    if (!v.p || v.len == 0 || v.len > 18 || (v.len > 1 && v.p[0] == '0'))
        return -1;
    long long n = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return -1;
        n = n * 10 + (v.p[i] - '0');
    }
    return n;
}
