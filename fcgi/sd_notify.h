/*
 * sd_notify.h - telling systemd how connectd is doing (Type=notify in connectd.service), without
 * linking libsystemd: one datagram to the socket systemd names in NOTIFY_SOCKET, as sd_notify(3)
 * documents. Outside systemd (no NOTIFY_SOCKET) it does nothing.
 */
#ifndef CONNECT_SD_NOTIFY_H
#define CONNECT_SD_NOTIFY_H

/* Sends `state` ("READY=1", "STOPPING=1", "RELOADING=1" …); 0 when sent or not under systemd. */
int sd_notify_state(const char *state);

#endif
