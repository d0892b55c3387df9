"""Entry point of a zygote: a pre-started interpreter that forks warm workers in ~2 ms.

Run as `python zygote_main.py <socket fd>` with the functions' interpreter; standard library
only (like worker_main.py, which it imports once so every fork starts with it loaded).
Requests arrive on a SOCK_SEQPACKET socket: a JSON message {code_dir, handler, env} with
three file descriptors (the worker's stdin, stdout and stderr). The zygote forks; the child
becomes a session leader with those fds and env and serves as a worker (worker_main.Worker);
the zygote answers {"pid": N}. It reaps its children and reports {"exit": N, "code": C}
(C as Popen.returncode: negative for a signal). It exits when the socket closes.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
import traceback

import worker_main

_MAX_MESSAGE = 1 << 20


def _child(request: dict, fds: list[int], closing: list[int]) -> None:
    """In the forked child: become the worker described by `request`; never returns."""
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.set_wakeup_fd(-1)
        for fd in closing:
            os.close(fd)
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        sys.dont_write_bytecode = True
        sys.argv = [worker_main.__file__, request["code_dir"], request["handler"]]
        worker_main.Worker(request["code_dir"], request["handler"]).serve()
    except BaseException:  # the child must never return into the zygote's loop
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _reap(channel: socket.socket) -> None:
    """Report every child that exited."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        code = os.waitstatus_to_exitcode(status)
        channel.send(json.dumps({"exit": pid, "code": code}).encode())


def serve(channel: socket.socket) -> None:
    """Fork workers on request until the parent closes the channel."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    while True:
        readable = select.select([channel.fileno(), wake_read], [], [])[0]
        if wake_read in readable:
            os.read(wake_read, 4096)
            _reap(channel)
        if channel.fileno() not in readable:
            continue
        message, fds, _, _ = socket.recv_fds(channel, _MAX_MESSAGE, 3)
        if not message:
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(json.loads(message), fds, [channel.fileno(), wake_read, wake_write])
        for fd in fds:
            os.close(fd)
        channel.send(json.dumps({"pid": pid}).encode())


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])))
