"""Weir's Python worker: runs one flow's tool functions, one call at a time, for the Node host.

Started as `python3 -I -S -B weir_runner.py` with a stripped environment. The first line on stdin is
the init message (paths, denied roots, limits); then JSON lines: call -> chunk* / metric* / log* /
result | error. The real stdout is kept for the protocol only: sys.stdout / sys.stderr are a
capture that turns a tool's print into log messages, and fds 1 and 2 (C code, sys.__stdout__) are
pipes read by two threads that do the same, drained before each result so the lines keep their
order. Nothing a tool writes can corrupt the protocol. Standard library only (Python 3.8+).
"""
import json
import os
import sys
import traceback  # imported before any tool code: reporting an error must not import anything

# The runtime folder is not on sys.path under -I; the protocol module comes from beside this file.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weir_protocol as proto  # noqa: E402 - moves the protocol off fds 0/1 at import
from weir_protocol import Capture, TooLarge, send  # noqa: E402
del sys.path[0]

_ERR = 2
_reserve = bytearray(4 * 1024 * 1024)  # given back on MemoryError so the error can still be reported
_bridge = None


def _limit(init):
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    mem = init.get('memory_bytes')
    if mem:
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    hard = init.get('cpu_hard_seconds')
    if hard:
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))


def _cpu_used():
    import resource
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _arm_cpu(seconds, hard):
    """RLIMIT_CPU counts the process's whole life, so each call gets `seconds` more than used so far."""
    import resource
    soft = min(hard, int(_cpu_used()) + 1 + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _user_frames(tb, code_dir):
    frames = traceback.extract_tb(tb)
    user = [f for f in frames if f.filename and os.path.abspath(f.filename).startswith(code_dir + os.sep)]
    last = user[-1] if user else None
    shown = frames[-8:]
    lines = []
    for f in shown:
        name = os.path.relpath(f.filename, code_dir) if f.filename.startswith(code_dir + os.sep) else f.filename
        lines.append('  File "%s", line %s, in %s' % (name, f.lineno, f.name))
        if f.line:
            lines.append('    ' + f.line)
    where = None
    if last is not None:
        where = {'file': os.path.relpath(last.filename, code_dir), 'line': last.lineno}
    return '\n'.join(lines), where


def _error_message(kind, exc, code_dir):
    where = None
    text = ''
    if isinstance(exc, SyntaxError) and exc.filename:
        fn = exc.filename
        rel = os.path.relpath(fn, code_dir) if os.path.abspath(fn).startswith(code_dir + os.sep) else fn
        where = {'file': rel, 'line': exc.lineno}
        text = '  File "%s", line %s\n    %s' % (rel, exc.lineno, (exc.text or '').strip())
    if exc.__traceback__ is not None:
        tb_text, tb_where = _user_frames(exc.__traceback__, code_dir)
        text = tb_text + ('\n' + text if text else '')
        where = where or tb_where
    msg = {'type': 'error', 'kind': kind, 'error_type': type(exc).__name__, 'message': str(exc)[:4000], 'traceback': text}
    if where:
        msg['where'] = where
    if isinstance(exc, ImportError) and getattr(exc, 'name', None):
        msg['module'] = exc.name
    return msg


class _Caller:
    def __init__(self, init):
        self.code_dir = os.path.realpath(init['code_dir'])
        self.cpu_seconds = init.get('cpu_seconds') or 0
        self.cpu_hard = init.get('cpu_hard_seconds') or 0
        self.functions = {}

    def function(self, module, name):
        key = (module, name)
        fn = self.functions.get(key)
        if fn is None:
            import importlib
            mod = importlib.import_module(module)
            fn = getattr(mod, name, None)
            if fn is None or not callable(fn):
                raise _NotFound('%s.py has no function "%s"' % (module, name))
            self.functions[key] = fn
        return fn

    def call(self, msg):
        bind_call, build_connection = _bridge.bind_call, _bridge.build_connection
        kind = 'import'
        call_id = msg.get('id')
        try:
            fn = self.function(msg['module'], msg['function'])
            kind = 'call'
            kwargs = dict(msg.get('kwargs') or {})
            for name, conn in (msg.get('connections') or {}).items():
                kwargs[name] = build_connection(conn)
            if self.cpu_hard:
                _arm_cpu(self.cpu_seconds, self.cpu_hard)
            bind_call(call_id, send)
            result = fn(**kwargs)
            if hasattr(result, '__next__') and hasattr(result, '__iter__') and not isinstance(result, (str, bytes, dict, list)):
                for chunk in result:
                    send({'type': 'chunk', 'id': call_id, 'value': chunk})
                result = None
                streamed = True
            else:
                streamed = False
            _flush()
            send({'type': 'result', 'id': call_id, 'value': result, 'streamed': streamed, 'cpu': _cpu_used()})
        except MemoryError:
            global _reserve
            _reserve = None
            _flush()
            send({'type': 'error', 'id': call_id, 'kind': 'memory', 'error_type': 'MemoryError', 'message': 'the tool ran out of memory', 'traceback': '', 'exiting': True})
            return False
        except TooLarge as exc:
            _flush()
            send({'type': 'error', 'id': call_id, 'kind': 'too_large', 'error_type': 'ValueError', 'message': str(exc), 'traceback': ''})
        except _NotFound as exc:
            _flush()
            send({'type': 'error', 'id': call_id, 'kind': 'not_found', 'error_type': 'AttributeError', 'message': str(exc), 'traceback': ''})
        except BaseException as exc:  # noqa: B902 - a tool's SystemExit / KeyboardInterrupt is its error too
            _flush()
            try:
                out = _error_message(kind, exc, self.code_dir)
            except BaseException as failed:  # noqa: B902 - the report itself must not end the worker
                out = {'type': 'error', 'kind': kind, 'error_type': type(exc).__name__, 'message': '%s (and reporting it failed: %s)' % (exc, failed), 'traceback': ''}
            out['id'] = call_id
            exc.__traceback__ = None
            exiting = isinstance(exc, (SystemExit, KeyboardInterrupt))
            if exiting:
                out['exiting'] = True
            send(out)
            if exiting:
                return False
        finally:
            bind_call(None, None)
        return True


class _NotFound(Exception):
    pass


def _flush():
    proto.flush_output((sys.stdout, sys.stderr))


def main():
    first = proto.read_line()
    if not first:
        return
    init = json.loads(first)
    proto.set_max(int(init.get('max_message_bytes') or proto.max_bytes()))
    code_dir = init['code_dir']
    _limit(init)
    # The guard is imported from the runtime folder before the tool's folder is on the path, so a
    # tool file cannot stand in for it.
    sys.path.insert(0, init['runtime_dir'])
    from weir_guard import install
    del sys.path[0]
    sys.path[:0] = [init['stand_in'], code_dir] + list(init.get('site_packages') or [])
    install(init.get('denied') or [], os.getpid())
    from promptflow import _weir
    global _bridge
    _bridge = _weir
    sys.stdout = Capture('info')
    sys.stderr = Capture('warn')
    # Kept for the runner's own last words (a crash before the protocol could report it).
    global _ERR
    _ERR = proto.capture_fds()
    caller = _Caller(init)
    send({'type': 'ready', 'pid': os.getpid(), 'python': sys.version.split()[0]})
    while True:
        line = proto.read_line()
        if not line:
            return
        if len(line) > proto.max_bytes():
            send({'type': 'error', 'kind': 'too_large', 'error_type': 'ValueError', 'message': 'a call larger than %d bytes' % proto.max_bytes(), 'traceback': ''})
            return
        msg = json.loads(line)
        if msg.get('type') == 'exit':
            return
        if msg.get('type') == 'call' and not caller.call(msg):
            return


if __name__ == '__main__':
    try:
        main()
        _flush()
    except BaseException:  # noqa: B902 - the host reads this from stderr when the worker dies
        os.write(_ERR, traceback.format_exc().encode('utf-8', 'replace'))
        os._exit(70)
    os._exit(0)
