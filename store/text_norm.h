/*
 * text_norm.h - the Unicode rules for every piece of text Connect accepts (fcgi/API.md "Text").
 *
 * Text is stored in Normalization Form C (libutf8proc), so "é" typed as one character or as "e" plus a
 * combining accent is the same stored string, the same length and the same search key. Then:
 *   - every kind of text refuses the bidirectional embedding, override and isolate controls
 *     (U+202A..U+202E, U+2066..U+2069): they can make text display differently from what it holds
 *     (a name or note that reads backwards, a file name whose extension is disguised);
 *   - a name (people's given, family and other names, user and organisation names) also refuses the
 *     direction marks U+200E, U+200F and U+061C, and must hold at least one visible character: not
 *     only spaces, zero-width or other invisible (default-ignorable, format) characters or lone marks.
 * The character properties come from libutf8proc (categories, bidi classes, default-ignorable), not
 * from tables of our own.
 */
#ifndef CONNECT_TEXT_NORM_H
#define CONNECT_TEXT_NORM_H

typedef enum {
    TEXT_LINE,      /* one line: no control characters */
    TEXT_MULTILINE, /* free text: line breaks and tabs allowed */
    TEXT_NAME       /* one line, with the rules for names */
} text_kind;

typedef enum {
    TEXT_OK = 0,
    TEXT_CONTROL, /* a control character (for TEXT_MULTILINE: other than line breaks and tabs) */
    TEXT_BIDI,    /* a bidirectional control character */
    TEXT_BLANK    /* a name with nothing visible in it */
} text_fault;

/* The NFC form of the valid UTF-8 string s. Returns 0 with *out NULL when s is already NFC (nothing
 * allocated: the common case, and all of ASCII, costs one pass), 0 with *out a malloc'd NFC copy, 1
 * when s is not valid UTF-8, -1 when memory ran out. */
int text_nfc(const char *s, char **out);
/* Checks the valid UTF-8 string s against the rules of its kind (above). The empty string passes:
 * whether a value is required is the caller's rule. */
text_fault text_check(const char *s, text_kind kind);
/* A plain sentence for TEXT_BIDI or TEXT_BLANK, for an error naming the field. */
const char *text_fault_message(text_fault f);

#endif
