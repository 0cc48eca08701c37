"""A real SMTP server on loopback for the tests: every message it accepts is written whole
(envelope sender and recipients, then the message as received) to DIR/<n>.eml.

    python smtp_sink.py PORT DIR
"""
import asyncio
import itertools
import pathlib
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory: pathlib.Path):
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = self.directory / f"{next(self.counter):06d}.eml"
        head = f"X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        tmp = name.with_suffix(".partial")
        tmp.write_bytes(head.encode() + envelope.original_content)
        tmp.rename(name)
        return "250 Message accepted for delivery"


def main():
    port, directory = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    directory.mkdir(parents=True, exist_ok=True)
    controller = Controller(Sink(directory), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        asyncio.get_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
