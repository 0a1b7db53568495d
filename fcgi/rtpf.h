/* rtpf.h - the RTPF checker's secret: the key of the hash that stands for a document number in the
 * look-up audit (store_lookup.h). Loaded once per worker, before its threads start. */
#ifndef CONNECT_RTPF_H
#define CONNECT_RTPF_H

#include <stddef.h>

/* Loads (creating it the first time) DATA/lookup.key; -1 with a message on stderr when it cannot. */
int rtpf_key_init(const char *data_dir);
/* HMAC-SHA256 of "type:number" in hex (65 bytes with the NUL); -1 when the key is not loaded. */
int rtpf_number_hash(const char *type, const char *number, char out[65]);

#endif
