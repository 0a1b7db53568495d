/* auth_random.h - cryptographically secure random values (OpenSSL RAND_bytes). */
#ifndef CONNECT_AUTH_RANDOM_H
#define CONNECT_AUTH_RANDOM_H

#include <stddef.h>

/* Fills buf with n random bytes; 0 on success, -1 when the generator fails (never fall back). */
int auth_random_bytes(unsigned char *buf, size_t n);
/* Writes 2n lower-case hex digits and a NUL to out (size >= 2n+1). */
void auth_hex(char *out, const unsigned char *in, size_t n);
/* The value of one hex digit, or -1. */
int auth_hex_digit(int c);
/* Parses exactly 2n hex digits into out; 0 on success. */
int auth_unhex(unsigned char *out, const char *in, size_t n);
/* `len` characters drawn uniformly (no modulo bias) from `alphabet` (1 to 256 distinct characters),
 * then a NUL; out must hold len+1 bytes. 0 on success. */
int auth_random_from(const char *alphabet, char *out, size_t len);
/* A temporary password of `len` characters from an alphabet without look-alikes (no 0/O, 1/l/I),
 * drawn without modulo bias; out must hold len+1 bytes. */
int auth_random_password(char *out, size_t len);

#endif
