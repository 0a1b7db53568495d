/* sar_pdf.c - subject-access.pdf (sar_pdf.h). A title page, then one section per part of the
 * export, each member as "Label: value" lines wrapped to the page. Every libharu call's status is
 * checked, and the error handler records what libharu reports from inside calls that return no
 * status; one error abandons the document. */
#include "sar_pdf.h"
#include "json_get.h"

#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT_REGULAR "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define FONT_BOLD    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
#define MARGIN 56.0f
#define LEADING 1.35f

typedef struct {
    HPDF_Doc pdf;
    HPDF_Page page;
    HPDF_Font regular, bold;
    float y, width, height;
    int err;
} pdf_ctx;

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    pdf_ctx *c = user_data;
    if (!c->err)
        fprintf(stderr, "connectd: subject access PDF: libharu error 0x%04X (detail %u)\n", (unsigned)error_no,
                (unsigned)detail_no);
    c->err = 1;
}

static void check(pdf_ctx *c, HPDF_STATUS st)
{
    if (st != HPDF_OK)
        c->err = 1;
}

static void new_page(pdf_ctx *c)
{
    if (c->err)
        return;
    c->page = HPDF_AddPage(c->pdf);
    if (!c->page) {
        c->err = 1;
        return;
    }
    check(c, HPDF_Page_SetSize(c->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT));
    c->height = HPDF_Page_GetHeight(c->page);
    c->width = HPDF_Page_GetWidth(c->page);
    c->y = c->height - MARGIN;
}

static float text_width(pdf_ctx *c, const char *s, size_t n, HPDF_Font font, float size)
{
    char buf[1024];
    if (n >= sizeof buf)
        return 1e9f; /* far wider than a line: the caller wraps it */
    memcpy(buf, s, n);
    buf[n] = '\0';
    check(c, HPDF_Page_SetFontAndSize(c->page, font, size));
    return HPDF_Page_TextWidth(c->page, buf);
}

static void out_line(pdf_ctx *c, const char *s, size_t n, HPDF_Font font, float size, float x)
{
    if (c->err)
        return;
    if (c->y - size * LEADING < MARGIN)
        new_page(c);
    if (c->err)
        return;
    char buf[1024];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    c->y -= size * LEADING;
    if (n == 0)
        return; /* an empty line is only space */
    check(c, HPDF_Page_BeginText(c->page));
    check(c, HPDF_Page_SetFontAndSize(c->page, font, size));
    check(c, HPDF_Page_TextOut(c->page, x, c->y, buf));
    check(c, HPDF_Page_EndText(c->page));
}

static size_t utf8_next(const char *s, size_t i, size_t n)
{
    i++;
    while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

/* Greedy wrapping: the longest run that fits, broken after a space when there is one, else between
 * characters (a long reference or hash). */
static void paragraph(pdf_ctx *c, const char *s, size_t n, HPDF_Font font, float size, float x)
{
    float room = c->width - MARGIN - x;
    while (!c->err) {
        if (n == 0 || text_width(c, s, n, font, size) <= room) {
            out_line(c, s, n, font, size, x);
            return;
        }
        size_t fit = 0, space = 0;
        for (size_t i = utf8_next(s, 0, n); i <= n; i = utf8_next(s, i, n)) {
            if (text_width(c, s, i, font, size) > room || i > 900)
                break;
            fit = i;
            if (i < n && s[i] == ' ')
                space = i;
            if (i == n)
                break;
        }
        size_t cut = space ? space : fit ? fit : utf8_next(s, 0, n);
        out_line(c, s, cut, font, size, x);
        while (cut < n && s[cut] == ' ')
            cut++;
        s += cut;
        n -= cut;
    }
}

static void text(pdf_ctx *c, const char *s, HPDF_Font font, float size, float x)
{
    const char *p = s;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n && p[n - 1] == '\r')
            n--;
        paragraph(c, p, n, font, size, x);
        if (!nl || c->err)
            return;
        p = nl + 1;
    }
}

static void label_of(const char *key, char *out, size_t cap)
{
    snprintf(out, cap, "%s", key);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = ' ';
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
}

/* "Label: value" for a scalar, allocated (texts run to thousands of characters); NULL when out of
 * memory. */
static char *scalar_line(const char *label, const json_t *v)
{
    char num[64];
    const char *text = num;
    if (json_is_string(v))
        text = json_string_value(v);
    else if (json_is_integer(v))
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(num, sizeof num, "%g", json_real_value(v));
    else
        text = json_is_true(v) ? "yes" : json_is_false(v) ? "no" : "\xe2\x80\x94"; /* em dash: not recorded */
    char *out = NULL;
    return asprintf(&out, "%s: %s", label, text) < 0 ? NULL : out;
}

/* A staff reference on one line: organisation, role and (when given) name. */
static int staff_line(const json_t *v, char *out, size_t cap)
{
    if (!json_is_object(v) || !json_object_get(v, "organisation") || !json_object_get(v, "role"))
        return 0;
    const char *name = json_get_str(v, "name");
    snprintf(out, cap, "%s, %s%s%s", json_get_str_or(v, "organisation", "unknown organisation"),
             json_get_str_or(v, "role", "unknown role"), name ? ", " : "", name ? name : "");
    return 1;
}

static void value(pdf_ctx *c, const char *key, const json_t *v, float x, int depth)
{
    char label[128], line[800];
    label_of(key, label, sizeof label);
    char staff[600];
    if (staff_line(v, staff, sizeof staff)) {
        snprintf(line, sizeof line, "%s: %s", label, staff);
        text(c, line, c->regular, 9.5f, x);
    } else if (json_is_object(v) && depth < 6) {
        text(c, label, c->bold, 9.5f, x);
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e) value(c, k, e, x + 14, depth + 1);
    } else if (json_is_array(v) && depth < 6) {
        if (json_array_size(v) == 0) {
            snprintf(line, sizeof line, "%s: none", label);
            text(c, line, c->regular, 9.5f, x);
            return;
        }
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            snprintf(line, sizeof line, "%s %zu", label, i + 1);
            value(c, line, e, x, depth + 1);
        }
    } else {
        char *sl = scalar_line(label, v);
        if (!sl)
            c->err = 1;
        else
            text(c, sl, c->regular, 9.5f, x);
        free(sl);
    }
}

static void section(pdf_ctx *c, const char *title, const char *intro, const json_t *doc, const char *key,
                    const char *item)
{
    c->y -= 10;
    text(c, title, c->bold, 14, MARGIN);
    if (intro)
        text(c, intro, c->regular, 9, MARGIN);
    const json_t *v = json_object_get(doc, key);
    if (json_is_array(v)) {
        if (json_array_size(v) == 0)
            text(c, "None.", c->regular, 9.5f, MARGIN);
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            char label[64];
            snprintf(label, sizeof label, "%s %zu", item, i + 1);
            c->y -= 4;
            value(c, label, e, MARGIN, 1);
        }
    } else if (json_is_object(v)) {
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e) value(c, k, e, MARGIN, 1);
    }
}

static void title_page(pdf_ctx *c, const json_t *doc)
{
    const json_t *p = json_object_get(doc, "person"), *cs = json_object_get(doc, "case");
    char line[1200], staff[600];
    c->y -= 60;
    text(c, "Subject access", c->bold, 24, MARGIN);
    snprintf(line, sizeof line, "Everything Connect holds about %s %s", json_get_str_or(p, "given_names", ""),
             json_get_str_or(p, "family_name", ""));
    text(c, line, c->bold, 15, MARGIN);
    c->y -= 16;
    snprintf(line, sizeof line, "Date of birth: %s", json_get_str_or(p, "date_of_birth", "\xe2\x80\x94"));
    text(c, line, c->regular, 11, MARGIN);
    snprintf(line, sizeof line, "On the case as: %s",
             json_get_str_is(doc, "person_role", "dependant") ? "a dependant" : "the principal applicant");
    text(c, line, c->regular, 11, MARGIN);
    snprintf(line, sizeof line, "Case: %s, %s", json_get_str_or(cs, "connect_id", ""),
             json_get_str_or(json_object_get(cs, "council"), "name", ""));
    text(c, line, c->regular, 11, MARGIN);
    snprintf(line, sizeof line, "Produced: %s (UTC)", json_get_str_or(doc, "produced_at", ""));
    text(c, line, c->regular, 11, MARGIN);
    if (!staff_line(json_object_get(doc, "produced_by"), staff, sizeof staff))
        snprintf(staff, sizeof staff, "\xe2\x80\x94");
    snprintf(line, sizeof line, "Produced by: %s", staff);
    text(c, line, c->regular, 11, MARGIN);
    c->y -= 16;
    text(c,
         json_is_true(json_object_get(doc, "staff_names"))
             ? "Council and Home Office staff are shown by organisation, role and name."
             : "Council and Home Office staff are shown by organisation and role, not by name.",
         c->regular, 10, MARGIN);
    text(c,
         "The same content is in subject-access.json; the person's documents are in the folder documents/ of "
         "this archive.",
         c->regular, 10, MARGIN);
}

int sar_pdf_write(const json_t *doc, const char *path)
{
    pdf_ctx c = {0};
    c.pdf = HPDF_New(on_error, &c);
    if (!c.pdf)
        return -1;
    check(&c, HPDF_UseUTFEncodings(c.pdf));
    check(&c, HPDF_SetCompressionMode(c.pdf, HPDF_COMP_ALL));
    const char *reg = c.err ? NULL : HPDF_LoadTTFontFromFile(c.pdf, FONT_REGULAR, HPDF_TRUE);
    const char *bold = c.err || !reg ? NULL : HPDF_LoadTTFontFromFile(c.pdf, FONT_BOLD, HPDF_TRUE);
    if (!reg || !bold)
        c.err = 1;
    if (!c.err)
        check(&c, HPDF_SetCurrentEncoder(c.pdf, "UTF-8"));
    if (!c.err) {
        c.regular = HPDF_GetFont(c.pdf, reg, "UTF-8");
        c.bold = HPDF_GetFont(c.pdf, bold, "UTF-8");
        if (!c.regular || !c.bold)
            c.err = 1;
    }
    check(&c, HPDF_SetInfoAttr(c.pdf, HPDF_INFO_TITLE, "Subject access"));
    check(&c, HPDF_SetInfoAttr(c.pdf, HPDF_INFO_CREATOR, "Connect"));
    new_page(&c);
    title_page(&c, doc);
    new_page(&c);
    section(&c, "The person", "Every field held about the person.", doc, "person", "");
    section(&c, "The case", "The case the person is on (the household's record; other people on it are left out).",
            doc, "case", "");
    section(&c, "History", "Changes to the case that concern the person, newest first.", doc, "history", "Change");
    section(&c, "Documents", "The person's documents; each file is in the folder documents/ of this archive.", doc,
            "documents", "Document");
    section(&c, "Queries and messages", "Queries between the council and the Home Office about the case.", doc,
            "queries", "Query");
    section(&c, "Alerts", "Alerts raised on the case.", doc, "alerts", "Alert");
    section(&c, "Right to public funds look-ups",
            "Look-ups in the Home Office status register of the number of one of the person's documents.", doc,
            "rtpf_lookups", "Look-up");
    section(&c, "Information given to the person", "What the council recorded as shared with the person, and when.",
            doc, "shared_with_person", "Record");
    section(&c, "Disclosure trail",
            "Which organisations and roles viewed, exported or downloaded the case's data, and when (newest first).",
            doc, "disclosures", "Disclosure");
    if (!c.err)
        check(&c, HPDF_SaveToFile(c.pdf, path));
    HPDF_Free(c.pdf);
    return c.err ? -1 : 0;
}
