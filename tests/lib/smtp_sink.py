#!/usr/bin/python3
"""A real SMTP server on loopback for the email tests (Debian's python3-aiosmtpd).

    smtp_sink.py PORT FOLDER

Accepts every message and writes it to FOLDER as NNNNNN.json ({"mail_from", "rcpt_tos", "data"}, data
as received, CRLF line ends kept), written to a temporary name and renamed so a reader never sees half
a file. A message whose Subject contains "[slow]" is held 2 seconds before the 250 reply, with
FOLDER/inflight present meanwhile (for the test of a stop during a send). Prints "ready" once listening;
stops on SIGTERM or SIGINT.
"""
import asyncio
import json
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        # Restarted on the same folder: carry on numbering after the messages already there.
        self.count = len([f for f in os.listdir(folder) if f.endswith('.json')])

    async def handle_DATA(self, server, session, envelope):
        data = envelope.content.decode('utf-8', errors='replace')
        header = data.split('\r\n\r\n', 1)[0]
        if '[slow]' in header:
            open(os.path.join(self.folder, 'inflight'), 'w').close()
            await asyncio.sleep(2)
        self.count += 1
        name = os.path.join(self.folder, '%06d.json' % self.count)
        with open(name + '.tmp', 'w', encoding='utf-8') as f:
            json.dump({'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos, 'data': data}, f)
        os.rename(name + '.tmp', name)
        return '250 Message accepted for delivery'


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname='127.0.0.1', port=port)
    controller.start()
    print('ready', flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == '__main__':
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
