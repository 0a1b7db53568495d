/*
 * csv.h - an RFC 4180 reader over a buffer in memory or a file read block by block (uploads and imports).
 *
 * Fields are separated by commas; a field may be quoted, and inside quotes "" is one quote and
 * commas and line breaks are data. Records end with CRLF or LF (a last record may end without).
 * A UTF-8 byte order mark at the start is skipped (Excel writes one). Text must be UTF-8.
 */
#ifndef CONNECT_CSV_H
#define CONNECT_CSV_H

#include <jansson.h>
#include <stddef.h>

typedef struct {
    const char *p, *end; /* the text not read yet (in memory: all of it; from a file: this block) */
    size_t line; /* line number (1-based) where the next record starts */
    int fd;      /* the file read from, or -1 for text in memory */
    char *block; /* from a file: the block [p, end) lies in */
    int eof, read_failed;
} csv_reader;

void csv_init(csv_reader *c, const char *data, size_t len);
/* Reads the file fd from its current offset, CSV_BLOCK bytes at a time, so a large upload is never
 * held whole. 0, or -1 when out of memory. csv_free() releases the block. */
#define CSV_BLOCK (64u << 10)
int csv_init_fd(csv_reader *c, int fd);
void csv_free(csv_reader *c);
/* Reads the next record into *fields (a new array of strings) and its first line into *line.
 * Returns 1 for a record, 0 at the end, -1 when the text is malformed (an unclosed quote, text
 * after a closing quote, invalid UTF-8, a NUL byte) or the file cannot be read, with a sentence in
 * err. Blank lines are skipped. */
int csv_next(csv_reader *c, json_t **fields, size_t *line, const char **err);

#endif
