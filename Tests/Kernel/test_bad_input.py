"""Bad input never takes the kernel down: 1,000 malformed, wrongly signed, unknown or
oddly shaped messages on the shell channel (and some on control), then a message larger
than the kernel accepts; the kernel still answers kernel_info, and it logged the messages
it dropped."""

import hashlib
import hmac
import json
import os
import queue
import random
import time
import unittest
import uuid

import support
import zmq
from jupyter_client.manager import KernelManager

from test_protocol import TIMEOUT, execute, of_type


class BadInputTests(unittest.TestCase):
    def setUp(self):
        self.log_path = os.path.join(support.HOME, f"kernel-{uuid.uuid4().hex}.log")
        self.log = open(self.log_path, "w")
        self.km = KernelManager(kernel_name="m2t")
        self.km.start_kernel(stderr=self.log)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=TIMEOUT)
        info = self.km.get_connection_info()
        self.key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
        self.address = lambda port: f"tcp://{info['ip']}:{info[port]}"
        self.context = zmq.Context()

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        self.context.destroy(linger=0)
        self.log.close()

    def sign(self, parts, key=None):
        mac = hmac.new(self.key if key is None else key, digestmod=hashlib.sha256)
        for p in parts:
            mac.update(p)
        return mac.hexdigest().encode()

    def header(self, msg_type):
        return json.dumps({"msg_id": uuid.uuid4().hex, "session": "fuzz", "username": "t", "date": "2024-01-01T00:00:00Z",
                           "msg_type": msg_type, "version": "5.3"}).encode()

    def signed(self, header, parent=b"{}", metadata=b"{}", content=b"{}"):
        parts = [header, parent, metadata, content]
        return [b"<IDS|MSG>", self.sign(parts)] + parts

    def bad_message(self, i, rng):
        kind = i % 14
        if kind == 0:
            return [bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64)))]
        if kind == 1:
            return [b"no", b"delimiter", b"here"]
        if kind == 2:
            return [b"<IDS|MSG>", b"sig", b"{}"]
        if kind == 3:  # wrongly signed
            parts = [self.header("execute_request"), b"{}", b"{}", json.dumps({"code": "print(666)"}).encode()]
            return [b"<IDS|MSG>", self.sign(parts, key=b"not the key")] + parts
        if kind == 4:
            return [b"<IDS|MSG>", b""] + [self.header("kernel_info_request"), b"{}", b"{}", b"{}"]
        if kind == 5:
            return self.signed(b"{not json")
        if kind == 6:
            return self.signed(b"[1, 2, 3]")
        if kind == 7:
            return self.signed(self.header(f"no_such_request_{i}"))
        if kind == 8:
            return self.signed(json.dumps({"msg_id": "x"}).encode())
        if kind == 9:
            return self.signed(self.header("complete_request"), content=json.dumps({"code": "m.la\u00e9", "cursor_pos": rng.choice([-5, 10**9, "x"])}).encode())
        if kind == 10:
            return self.signed(self.header("inspect_request"), content=b'{"code": 42, "cursor_pos": null}')
        if kind == 11:
            return self.signed(self.header("is_complete_request"), content=b"\xff\xfe\x00 not utf-8")
        if kind == 12:
            return self.signed(self.header("kernel_info_request"), content=b"[" * 20000 + b"]" * 20000)
        return self.signed(self.header("history_request"), parent=b"null", metadata=b'"text"')

    def test_thousand_bad_messages_then_kernel_info(self):
        rng = random.Random(17)
        shell = self.context.socket(zmq.DEALER)
        shell.connect(self.address("shell_port"))
        control = self.context.socket(zmq.DEALER)
        control.connect(self.address("control_port"))
        start = time.time()
        for i in range(1000):
            shell.send_multipart(self.bad_message(i, rng))
            if i % 10 == 0:
                control.send_multipart(self.bad_message(i + 3, rng))
        # A message over the kernel's 64 MiB limit: ZeroMQ drops it and the connection.
        big = self.context.socket(zmq.DEALER)
        big.connect(self.address("shell_port"))
        big.send_multipart(self.signed(self.header("execute_request"), content=b'{"code": "' + b"1" * (65 << 20) + b'"}'))
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["msg_type"], "kernel_info_reply")
        print(f"\n  1,000 bad messages, then kernel_info answered after {time.time() - start:.2f} s")
        reply, messages = execute(self.kc, "1 + 1")
        self.assertEqual(of_type(messages, "execute_result")[0]["content"]["data"]["text/plain"], "2")
        self.assertTrue(self.km.is_alive())
        self.log.flush()
        log = open(self.log_path).read()
        self.assertGreaterEqual(log.count("wrong signature"), 1000 // 14)
        self.assertIn("unknown message type", log)
        # The wrongly signed print(666) never ran.
        streams = []
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                break
            if msg["msg_type"] == "stream":
                streams.append(msg["content"]["text"])
        self.assertNotIn("666", "".join(streams))
        for sock in (shell, control, big):
            sock.close(linger=0)


if __name__ == "__main__":
    unittest.main()
