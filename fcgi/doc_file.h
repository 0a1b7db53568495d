/*
 * doc_file.h - what an uploaded document is: its type, read from its first bytes (never from its name or
 * the Content-Type the client sent), and the name it is listed and downloaded under. Pure functions over
 * memory, so tests/fuzz links them without the FastCGI layer.
 */
#ifndef CONNECT_DOC_FILE_H
#define CONNECT_DOC_FILE_H

#include <stddef.h>

/* The type by magic bytes: "application/pdf", "image/jpeg" or "image/png"; NULL for anything else.
 * Reads at most the first 8 of the n bytes at p. */
const char *doc_type_sniff(const unsigned char *p, size_t n);
/* A safe display name into out (cap bytes, always terminated): the last path component of `in`, with
 * control characters and double quotes replaced by '_' and trailing spaces dropped. 0, or -1 when
 * nothing usable is left (empty, "." or ".."). */
int doc_filename_clean(const char *in, char *out, size_t cap);

/* The SHA-256 of a file as 64 hex digits into out; -1 when the digest fails. */
int doc_sha256_hex(const void *data, size_t len, char out[65]);

/* The value of a Content-Disposition header that downloads `filename` (RFC 6266/5987): an ASCII
 * fallback name and the UTF-8 name percent-encoded, into out (cap bytes; 2700 hold any 200-character
 * name). */
void doc_content_disposition(const char *filename, char *out, size_t cap);

#endif
