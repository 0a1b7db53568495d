/* data_path.h - finding the data files shipped in the repository (common passwords, bank holidays). */
#ifndef CONNECT_DATA_PATH_H
#define CONNECT_DATA_PATH_H

#include <stddef.h>

/* Finds `rel` (e.g. "auth/common-passwords.txt"): under $CONNECT_ROOT, else beside the program
 * (../ or ../../ from its directory: bin/ or bin/asan/; ../share/connect/ from /usr/sbin/, the
 * Debian package's layout), else under the current directory. Writes the
 * path into out; 0 when the file is readable there. */
int data_path(const char *rel, char *out, size_t cap);

#endif
