/* text_norm.c - NFC and the character rules for accepted text (text_norm.h), on libutf8proc. */
#include "text_norm.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int text_nfc(const char *s, char **out)
{
    *out = NULL;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    int ascii = 1;
    /* Validate first, so a NULL from utf8proc_NFC below can only mean memory ran out. */
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n < 1)
            return 1;
        ascii &= cp < 0x80;
        p += n;
    }
    if (ascii)
        return 0; /* ASCII is its own NFC */
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)s);
    if (!nfc)
        return -1;
    if (strcmp((const char *)nfc, s) == 0)
        free(nfc);
    else
        *out = (char *)nfc;
    return 0;
}

/* The explicit embedding, override and isolate controls are exactly the characters of these bidi
 * classes (U+202A..U+202E, U+2066..U+2069). */
static int is_bidi_control(const utf8proc_property_t *prop)
{
    switch (prop->bidi_class) {
    case UTF8PROC_BIDI_CLASS_LRE:
    case UTF8PROC_BIDI_CLASS_LRO:
    case UTF8PROC_BIDI_CLASS_RLE:
    case UTF8PROC_BIDI_CLASS_RLO:
    case UTF8PROC_BIDI_CLASS_PDF:
    case UTF8PROC_BIDI_CLASS_LRI:
    case UTF8PROC_BIDI_CLASS_RLI:
    case UTF8PROC_BIDI_CLASS_FSI:
    case UTF8PROC_BIDI_CLASS_PDI: return 1;
    default: return 0;
    }
}

/* Nothing a reader would see on its own: separators (spaces, no-break spaces), format characters
 * (zero-width space, joiners, BOM), marks with no letter to sit on, and the default-ignorable code
 * points that are letters by category but draw nothing (Hangul fillers). */
static int is_invisible(utf8proc_int32_t cp, const utf8proc_property_t *prop)
{
    switch (prop->category) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME: return 1;
    default: return prop->ignorable || cp == 0x2800; /* U+2800 BRAILLE PATTERN BLANK */
    }
}

text_fault text_check(const char *s, text_kind kind)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    int visible = 0;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n < 1)
            return TEXT_CONTROL; /* not reached for valid UTF-8, which callers guarantee */
        p += n;
        if ((cp < 0x20 && !(kind == TEXT_MULTILINE && (cp == '\n' || cp == '\r' || cp == '\t'))) || cp == 0x7f)
            return TEXT_CONTROL;
        const utf8proc_property_t *prop = utf8proc_get_property(cp);
        if (is_bidi_control(prop))
            return TEXT_BIDI;
        if (kind != TEXT_NAME)
            continue;
        /* In a name even the implicit marks have no use: LRM, RLM and the Arabic letter mark. */
        if (cp == 0x200E || cp == 0x200F || cp == 0x061C)
            return TEXT_BIDI;
        visible |= !is_invisible(cp, prop);
    }
    return kind == TEXT_NAME && *s && !visible ? TEXT_BLANK : TEXT_OK;
}

const char *text_fault_message(text_fault f)
{
    switch (f) {
    case TEXT_BIDI:
        return "This must not contain hidden characters that change the direction of text (such as U+202E).";
    case TEXT_BLANK: return "A name cannot be only spaces or invisible characters (such as zero-width spaces).";
    case TEXT_CONTROL: return "This must not contain control characters.";
    case TEXT_OK: break;
    }
    return "";
}
