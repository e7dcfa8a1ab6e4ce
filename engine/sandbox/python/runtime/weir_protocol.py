"""The worker's side of the JSON-lines protocol, and what turns a tool's output into log messages.

Imported by weir_runner.py before any tool code. The protocol moves off fds 0/1 at import, so a tool
reading stdin or writing fd 1 cannot touch it.
"""
import json
import os
import threading

# Kept before any user code can patch the modules they come from.
_write = os.write
read_line = None
_MAX = 16 * 1024 * 1024


def _open_protocol():
    """Moves the protocol off fds 0/1 so a tool reading stdin or writing fd 1 cannot touch it."""
    global read_line
    proto_in = os.dup(0)
    proto_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    reader = os.fdopen(proto_in, 'rb', buffering=1 << 16)
    read_line = lambda: reader.readline(_MAX + 2)  # noqa: E731
    return proto_out


_OUT = _open_protocol()
_send_lock = threading.Lock()
_SYNC = b'\0weir-sync-%d\0' % os.getpid()


class FdPipe:
    """Points `fd` at a pipe whose lines a thread sends as log messages."""

    def __init__(self, fd, level):
        self.fd = fd
        self.level = level
        self.synced = threading.Event()
        r, w = os.pipe()
        os.dup2(w, fd)
        os.close(w)
        self.r = r
        threading.Thread(target=self._pump, name='weir-fd%d' % fd, daemon=True).start()

    def _pump(self):
        buf = b''
        while True:
            try:
                data = os.read(self.r, 65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while True:
                at = buf.find(_SYNC)
                nl = buf.find(b'\n')
                if at != -1 and (nl == -1 or at < nl):
                    if at:
                        self._log(buf[:at])
                    buf = buf[at + len(_SYNC):]
                    self.synced.set()
                    continue
                if nl == -1:
                    break
                self._log(buf[:nl])
                buf = buf[nl + 1:]
            if len(buf) > 65536:
                self._log(buf)
                buf = b''

    def _log(self, raw):
        send_log(self.level, raw.decode('utf-8', 'replace'))

    def sync(self):
        """Returns once everything written to the fd so far has been sent (a tool may have closed it)."""
        self.synced.clear()
        try:
            _write(self.fd, _SYNC)
        except OSError:
            return
        self.synced.wait(2)


fd_pipes = []


def send(msg):
    data = json.dumps(msg, ensure_ascii=False, default=_jsonable, allow_nan=False).encode('utf-8') + b'\n'
    if len(data) > _MAX:
        raise TooLarge(len(data))
    with _send_lock:
        view = memoryview(data)
        while view:
            n = _write(_OUT, view)
            view = view[n:]


def send_log(level, line):
    """A tool's output line as a log message; a line is cut at 8192 characters, a failure to send is dropped."""
    if len(line) > 8192:
        line = line[:8192] + ' … (line cut at 8192 characters)'
    try:
        send({'type': 'log', 'level': level, 'message': line})
    except Exception:
        pass


class TooLarge(Exception):
    def __init__(self, size):
        super().__init__('a value of %d bytes is larger than the %d bytes a message may carry' % (size, _MAX))


def _jsonable(value):
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (bytes, bytearray)):
        return value.decode('utf-8', 'replace')
    for attr in ('model_dump', 'dict', 'to_dict'):
        fn = getattr(value, attr, None)
        if callable(fn):
            try:
                return fn()
            except Exception:
                pass
    if hasattr(value, '__dataclass_fields__'):
        import dataclasses
        return dataclasses.asdict(value)
    if hasattr(value, 'isoformat'):
        return value.isoformat()
    return str(value)


class Capture:
    """sys.stdout / sys.stderr of the tool: each line becomes a log message to the host."""

    def __init__(self, level):
        self.level = level
        self.buf = ''
        self.encoding = 'utf-8'
        self.errors = 'replace'

    def write(self, text):
        if not isinstance(text, str):
            text = str(text)
        self.buf += text
        if len(self.buf) > 64 * 1024 and '\n' not in self.buf:
            self.buf += '\n'
        while '\n' in self.buf:
            line, self.buf = self.buf.split('\n', 1)
            self._emit(line)
        return len(text)

    def _emit(self, line):
        send_log(self.level, line)

    def flush(self):
        if self.buf:
            line, self.buf = self.buf, ''
            self._emit(line)

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        raise OSError('the tool output is captured; it has no file descriptor')




def set_max(n):
    global _MAX
    _MAX = n


def max_bytes():
    return _MAX


def capture_fds():
    """Points fds 1 and 2 at pipes whose lines become log messages; returns a dup of the real fd 2."""
    err = os.dup(2)
    fd_pipes.extend((FdPipe(1, 'info'), FdPipe(2, 'warn')))
    return err


def flush_output(streams):
    for s in streams:
        try:
            s.flush()
        except Exception:
            pass
    for p in fd_pipes:
        p.sync()
