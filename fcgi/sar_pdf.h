/* sar_pdf.h - the readable half of a subject access export: subject-access.pdf drawn from the
 * export's JSON (sar_data.h) with libharu, in DejaVu Sans with UTF-8 text so that names in any
 * script print. */
#ifndef CONNECT_SAR_PDF_H
#define CONNECT_SAR_PDF_H

#include <jansson.h>

/* Writes the PDF of export `doc` to `path` (an existing file, replaced). 0, or -1 on any libharu
 * error (the font missing included). */
int sar_pdf_write(const json_t *doc, const char *path);

#endif
