"""The kernel through jupyter_client, started from the kernelspec `m2t kernel install` wrote:
the messages a value, a print, an error, a plot and a picture produce; completion,
inspection, the continuation rule; interrupting an endless loop and a pre-training run;
restart and shutdown."""

import base64
import glob
import os
import tempfile
import time
import unittest

import support
from jupyter_client.manager import KernelManager

TIMEOUT = 60
# Loop iterations of about a third of a second in the interpreter (a release build).
BUSY = 300000


def start_kernel():
    km = KernelManager(kernel_name="m2t")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def iopub_until_idle(kc, msg_id, timeout=TIMEOUT):
    """The IOPub messages answering `msg_id`, up to its `status: idle`, with arrival times."""
    messages = []
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(deadline - time.time(), 0.1))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        msg["_arrived"] = time.time()
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def execute(kc, code, timeout=TIMEOUT, **options):
    msg_id = kc.execute(code, **options)
    reply = shell_reply(kc, msg_id, timeout)
    return reply, iopub_until_idle(kc, msg_id, timeout)


def of_type(messages, msg_type):
    return [m for m in messages if m["msg_type"] == msg_type]


class ProtocolTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_kernel()

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        if cls.km.is_alive():
            cls.km.shutdown_kernel(now=True)

    def test_kernel_info(self):
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["msg_type"], "kernel_info_reply")
        info = reply["content"]
        self.assertEqual(info["protocol_version"], "5.3")
        self.assertEqual(info["language_info"]["name"], "m2t")
        self.assertEqual(info["language_info"]["file_extension"], ".m2t")
        self.assertIn("mimetype", info["language_info"])
        self.assertIn("version", info["language_info"])

    def test_value(self):
        reply, messages = execute(self.kc, "let a = 20\na + 22")
        types = [m["msg_type"] for m in messages]
        self.assertEqual(types, ["status", "execute_input", "execute_result", "status"], types)
        self.assertEqual(messages[0]["content"]["execution_state"], "busy")
        self.assertEqual(reply["content"]["status"], "ok")
        count = reply["content"]["execution_count"]
        self.assertEqual(messages[1]["content"]["execution_count"], count)
        result = messages[2]["content"]
        self.assertEqual(result["data"]["text/plain"], "42")
        self.assertEqual(result["execution_count"], count)
        # The next stored cell counts one more; a silent one neither counts nor shows.
        reply2, _ = execute(self.kc, "a", silent=True)
        reply3, messages3 = execute(self.kc, "a")
        self.assertEqual(reply3["content"]["execution_count"], count + 1)
        self.assertEqual(of_type(messages3, "execute_result")[0]["content"]["data"]["text/plain"], "20")

    def test_print_streams(self):
        reply, messages = execute(self.kc, 'for i in 0..<3 { print("line", i) }')
        self.assertEqual(reply["content"]["status"], "ok")
        text = "".join(m["content"]["text"] for m in of_type(messages, "stream"))
        self.assertEqual(text, "line 0\nline 1\nline 2\n")
        self.assertTrue(all(m["content"]["name"] == "stdout" for m in of_type(messages, "stream")))
        self.assertEqual(of_type(messages, "execute_result"), [])

    def test_stream_arrives_while_the_cell_runs(self):
        # Three equal pieces of work, each followed by a print: the first line must arrive
        # after about a third of the cell's time, not at its end.
        code = ("fn busy(n) { let s = 0\n for j in 0..<n { s = s + 1 }\n s }\n"
                'for i in 0..<3 { busy(BUSY)\n print("tick", i) }')
        msg_id = self.kc.execute(code.replace("BUSY", str(BUSY)))
        messages = iopub_until_idle(self.kc, msg_id)  # read while the cell runs
        reply = shell_reply(self.kc, msg_id)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        streams = of_type(messages, "stream")
        self.assertEqual("".join(m["content"]["text"] for m in streams), "tick 0\ntick 1\ntick 2\n")
        self.assertEqual(len(streams), 3, "one message per line: they are 0.1 s or more apart")
        start, end = messages[1]["_arrived"], messages[-1]["_arrived"]
        self.assertGreater(end - start, 0.3, "the cell ran too fast to tell; raise BUSY")
        self.assertLess(streams[0]["_arrived"] - start, 0.6 * (end - start))

    def test_error(self):
        reply, messages = execute(self.kc, "let ok = 1\nlet y = ok + missing_name")
        self.assertEqual(reply["content"]["status"], "error")
        errors = of_type(messages, "error")
        self.assertEqual(len(errors), 1)
        traceback = errors[0]["content"]["traceback"]
        self.assertRegex(traceback[0], r"^<cell:\d+>:2:\d+: error: .*missing_name")
        self.assertEqual(traceback[1].strip(), "let y = ok + missing_name")
        self.assertEqual(traceback[2].strip(), "^~~~~~~~~~~~")
        self.assertEqual(errors[0]["content"]["ename"], "runtime error")
        self.assertEqual(reply["content"]["traceback"], traceback)

    def test_plot_is_svg(self):
        reply, messages = execute(self.kc, 'print("before")\nplot([1, 4, 9], title: "squares")')
        self.assertEqual(reply["content"]["status"], "ok")
        types = [m["msg_type"] for m in messages]
        self.assertLess(types.index("stream"), types.index("display_data"))
        data = of_type(messages, "display_data")[0]["content"]["data"]
        self.assertTrue(data["image/svg+xml"].startswith("<svg"))
        self.assertIn("squares", data["image/svg+xml"])
        self.assertIn("3 points", data["text/plain"])

    def test_show_is_png(self):
        reply, messages = execute(self.kc, 'show(randn(3, 1, 8, 8, seed: 1), title: "noise")')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        data = of_type(messages, "display_data")[0]["content"]["data"]
        self.assertEqual(base64.b64decode(data["image/png"])[:8], b"\x89PNG\r\n\x1a\n")
        self.assertIn("3 images 8×8, gray", data["text/plain"])

    def test_small_tensor_as_table(self):
        _, messages = execute(self.kc, "zeros(2, 3) + 1.5")
        data = of_type(messages, "execute_result")[0]["content"]["data"]
        self.assertIn("<table", data["text/html"])
        self.assertEqual(data["text/html"].count("<td"), 6)
        self.assertIn("1.5", data["text/plain"])

    def test_complete(self):
        execute(self.kc, 'let m = resnet18(width: 8, channels: 1, stem: "small")')
        msg_id = self.kc.complete("m.lay", 5)
        content = shell_reply(self.kc, msg_id)["content"]
        self.assertEqual(content["matches"], ["layer1", "layer2", "layer3", "layer4"])
        self.assertEqual((content["cursor_start"], content["cursor_end"]), (2, 5))
        code = "print(m.layer1[0].bn"
        content = shell_reply(self.kc, self.kc.complete(code, len(code)))["content"]
        self.assertEqual(content["matches"][:2], ["bn1", "bn2"])
        execute(self.kc, "let zz = zeros(2, 2)")
        code = "zz.mean(ax"
        content = shell_reply(self.kc, self.kc.complete(code, len(code)))["content"]
        self.assertIn("axis: ", content["matches"])

    def test_inspect(self):
        content = shell_reply(self.kc, self.kc.inspect("resnet18", 8))["content"]
        self.assertTrue(content["found"])
        self.assertIn("ResNet-18", content["data"]["text/plain"])
        content = shell_reply(self.kc, self.kc.inspect("no_such_thing", 3))["content"]
        self.assertFalse(content["found"])

    def test_is_complete(self):
        content = shell_reply(self.kc, self.kc.is_complete("fn f(x) {"))["content"]
        self.assertEqual(content["status"], "incomplete")
        content = shell_reply(self.kc, self.kc.is_complete("1 + 1"))["content"]
        self.assertEqual(content["status"], "complete")

    def test_comm_info_and_history(self):
        content = shell_reply(self.kc, self.kc.comm_info())["content"]
        self.assertEqual((content["status"], content["comms"]), ("ok", {}))
        content = shell_reply(self.kc, self.kc.history())["content"]
        self.assertEqual((content["status"], content["history"]), ("ok", []))

    def test_user_expressions(self):
        reply, _ = execute(self.kc, "let ue = 7", user_expressions={"twice": "ue * 2"})
        self.assertEqual(reply["content"]["user_expressions"]["twice"]["data"]["text/plain"], "14")

    def test_stop_on_error_aborts_the_queue(self):
        # The failing cell runs a moment, so the second request is queued when it fails.
        first = self.kc.execute(f"fn spin(n) {{ for j in 0..<n {{ }} }}\nspin({BUSY})\nlet boom = missing_too")
        second = self.kc.execute("1")
        self.assertEqual(shell_reply(self.kc, first)["content"]["status"], "error")
        self.assertEqual(shell_reply(self.kc, second)["content"]["status"], "aborted")
        iopub_until_idle(self.kc, second)

    def test_interrupt_endless_loop(self):
        execute(self.kc, "let kept = 41")
        msg_id = self.kc.execute("while true { }")
        time.sleep(0.5)
        # The heartbeat and the control channel answer while the cell runs.
        self.assertTrue(self.kc.hb_channel.is_beating())
        control_id = self.kc.session.send(self.kc.control_channel.socket, self.kc.session.msg("kernel_info_request"))["header"]["msg_id"]
        control = self.kc.get_control_msg(timeout=10)
        self.assertEqual((control["msg_type"], control["parent_header"]["msg_id"]), ("kernel_info_reply", control_id))
        self.km.interrupt_kernel()  # SIGINT, as the kernelspec's interrupt_mode says
        reply = shell_reply(self.kc, msg_id, timeout=20)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "interrupted")
        iopub_until_idle(self.kc, msg_id)
        reply, messages = execute(self.kc, "1 + 1")
        self.assertEqual(of_type(messages, "execute_result")[0]["content"]["data"]["text/plain"], "2")
        reply, messages = execute(self.kc, "kept + 1")
        self.assertEqual(of_type(messages, "execute_result")[0]["content"]["data"]["text/plain"], "42")

    def test_interrupt_request_message(self):
        msg_id = self.kc.execute("while true { }")
        time.sleep(0.3)
        self.kc.session.send(self.kc.control_channel.socket, self.kc.session.msg("interrupt_request", {}))
        self.assertEqual(self.kc.get_control_msg(timeout=10)["msg_type"], "interrupt_reply")
        self.assertEqual(shell_reply(self.kc, msg_id, timeout=20)["content"]["ename"], "interrupted")
        iopub_until_idle(self.kc, msg_id)

    def test_interrupted_pretrain_checkpoints_and_progress_updates_one_display(self):
        out = tempfile.mkdtemp(dir=support.HOME)
        execute(self.kc, f'''
let pdata = dataset(rand(64, 1, 16, 16, seed: 1), labels: list(range(64)).map(fn(i) {{ i % 10 }}))
let pm2 = momentum2_teacher(backbone: resnet18(width: 4, channels: 1, stem: "small"), hidden: 16, out: 8, batch: 16, steps: 100000)
''')
        msg_id = self.kc.execute(f'pretrain(pm2, data: pdata, steps: 100000, output: "{out}", log_every: 1)')
        deadline = time.time() + TIMEOUT
        updates = []
        while len(updates) < 2 and time.time() < deadline:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "update_display_data":
                updates.append(msg)
        self.km.interrupt_kernel()
        reply = shell_reply(self.kc, msg_id, timeout=TIMEOUT)
        messages = iopub_until_idle(self.kc, msg_id)
        self.assertEqual(reply["content"].get("ename"), "interrupted", (reply["content"], messages))
        displays = of_type(messages, "display_data")
        self.assertEqual(len(updates), 2)
        self.assertEqual(len(displays), 0, "one display, opened before the first update")
        ids = {m["content"]["transient"]["display_id"] for m in updates + of_type(messages, "update_display_data")}
        self.assertEqual(len(ids), 1)
        self.assertIn("step", updates[-1]["content"]["data"]["text/plain"])
        self.assertTrue(glob.glob(os.path.join(out, "*.safetensors")), os.listdir(out))
        _, messages = execute(self.kc, "pm2.step_count >= 0")
        self.assertTrue(of_type(messages, "execute_result"))


class LifecycleTests(unittest.TestCase):
    def test_restart_then_shutdown(self):
        km, kc = start_kernel()
        try:
            execute(kc, "let before = 1")
            first_pid = km.provisioner.process.pid
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=TIMEOUT)
            self.assertNotEqual(km.provisioner.process.pid, first_pid)
            reply, _ = execute(kc, "before")
            self.assertEqual(reply["content"]["status"], "error", "a restarted kernel starts empty")
            process = km.provisioner.process
            msg_id = kc.shutdown()
            reply = kc.get_control_msg(timeout=TIMEOUT)
            self.assertEqual(reply["msg_type"], "shutdown_reply")
            self.assertEqual(process.wait(timeout=10), 0)
        finally:
            kc.stop_channels()
            if km.is_alive():
                km.shutdown_kernel(now=True)
            km.cleanup_resources()


if __name__ == "__main__":
    unittest.main()
