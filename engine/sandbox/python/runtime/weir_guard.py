"""The audit hook a worker installs before it imports any tool code (PEP 578).

It refuses opening paths under the denied roots (Weir's data folder, the master key file), other
processes' /proc entries (their environment), starting programs (subprocess, os.system, exec,
spawn, fork), loading native code through ctypes, and signalling other processes. An audit hook is
defence in depth, not a sandbox: the OS barrier is the worker's uid (`nobody` when Weir runs as
root). Everything the hook needs is bound when it is made, so a tool that patches `os` or
`posixpath` afterwards does not change what it checks.
"""
import posix
import sys
import types

_REFUSED_EVENTS = frozenset((
    'subprocess.Popen', 'os.system', 'os.exec', 'os.posix_spawn', 'os.spawn', 'os.fork', 'os.forkpty',
    'os.startfile', 'pty.spawn', 'ctypes.dlopen', 'ctypes.dlsym', 'ctypes.cdata', 'ctypes.call_function',
    'os.setuid', 'os.setgid', 'sys.remote_exec',
))
_REFUSED_IMPORTS = frozenset(('_posixsubprocess', '_ctypes', '_xxsubinterpreters', '_testcapi', '_testinternalcapi'))
# Events whose first argument (both, for the second set) is a path the denied roots are checked against.
_PATH_EVENTS = frozenset((
    'open', 'sqlite3.connect', 'os.chdir', 'os.listdir', 'os.scandir', 'os.remove', 'os.rmdir', 'os.mkdir', 'os.chmod',
    'os.chown', 'os.truncate', 'os.utime', 'os.rename', 'os.link', 'os.symlink', 'shutil.rmtree', 'shutil.copyfile',
    'shutil.copytree', 'shutil.move', 'os.getxattr', 'os.listxattr', 'os.setxattr', 'os.removexattr', 'glob.glob',
))
_TWO_PATH_EVENTS = frozenset(('os.rename', 'os.link', 'os.symlink', 'shutil.copyfile', 'shutil.copytree', 'shutil.move'))
_FROZEN_ATTRS = frozenset(('__code__', '__defaults__', '__kwdefaults__', '__closure__', '__globals__'))


# The builtin classes themselves, so a tool sees (and can catch) an ordinary PermissionError.
Refused = PermissionError


# An ImportError, so `try: import ctypes / except ImportError:` in libraries still falls back.
RefusedImport = ImportError


def _stub_posixsubprocess():
    # subprocess imports fork_exec at import time; with this stand-in `import subprocess` still works
    # (tools often import it without using it) while the real fork_exec is never loaded.
    stub = types.ModuleType('_posixsubprocess')

    def fork_exec(*args, **kwargs):
        raise Refused('a Python tool may not start other programs')

    stub.fork_exec = fork_exec
    sys.modules['_posixsubprocess'] = stub


def _make_realpath():
    # Defaults, not closure cells: a cell's contents can be rebound from Python without an audit event.
    def realpath(path, lstat=posix.lstat, readlink=posix.readlink, getcwd=posix.getcwd, fspath=posix.fspath,
                 Refused=Refused, S_IFMT=0o170000, S_IFLNK=0o120000, isinstance=isinstance, bytes=bytes, OSError=OSError):
        path = fspath(path)
        if isinstance(path, bytes):
            path = path.decode('utf-8', 'surrogateescape')
        if not path.startswith('/'):
            path = getcwd() + '/' + path
        parts = [p for p in path.split('/') if p]
        done = []
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == '.':
                continue
            if part == '..':
                if done:
                    done.pop()
                continue
            candidate = '/' + '/'.join(done + [part])
            try:
                mode = lstat(candidate).st_mode
            except OSError:
                done.append(part)
                continue
            if (mode & S_IFMT) == S_IFLNK:
                hops += 1
                if hops > 40:
                    raise Refused('too many symbolic links in ' + path)
                target = readlink(candidate)
                if target.startswith('/'):
                    done = []
                parts = [p for p in target.split('/') if p] + parts
                continue
            done.append(part)
        return '/' + '/'.join(done)

    return realpath


def install(denied, own_pid):
    _stub_posixsubprocess()
    realpath = _make_realpath()
    roots = tuple(realpath(d).rstrip('/') for d in denied if d)
    own_proc = '/proc/%d' % own_pid

    def refused_path(path, realpath=realpath, roots=roots, own_proc=own_proc, Refused=Refused, isinstance=isinstance, int=int,
                     Exception=Exception):
        if isinstance(path, int):
            return None
        try:
            real = realpath(path)
        except Refused:
            raise
        except Exception:
            return None
        for root in roots:
            if real == root or real.startswith(root + '/'):
                return real
        if real.startswith('/proc/'):
            head = real.split('/')[2]
            if head.isdigit() and '/proc/' + head != own_proc:
                return real
        return None

    def hook(event, args, refused_path=refused_path, own_pid=own_pid, Refused=Refused, RefusedImport=RefusedImport,
             refused_events=_REFUSED_EVENTS, refused_imports=_REFUSED_IMPORTS, frozen_attrs=_FROZEN_ATTRS,
             path_events=_PATH_EVENTS, two_path_events=_TWO_PATH_EVENTS, hasattr=hasattr, guard_globals=globals(), getattr=getattr, str=str, bytes=bytes, isinstance=isinstance, len=len):
        if event in path_events:
            for arg in args[:2] if event in two_path_events else args[:1]:
                if isinstance(arg, (str, bytes)) or hasattr(arg, '__fspath__'):
                    blocked = refused_path(arg)
                    if blocked is not None:
                        raise Refused('a Python tool may not read %s (Weir keeps its data and keys there)' % blocked)
            if event == 'open' and len(args) >= 2 and args[1] is None and isinstance(args[0], (str, bytes)):
                p = args[0]
                if not (p.startswith('/') if isinstance(p, str) else p.startswith(b'/')):
                    # os.open with a relative path may be relative to a dir_fd the hook cannot see.
                    raise Refused('os.open in a Python tool needs an absolute path')
        elif event in refused_events:
            raise Refused('a Python tool may not %s (%s is refused in Weir workers)' % (
                'load native code' if event.startswith('ctypes') else 'start other programs', event))
        elif event == 'import':
            if args and args[0] in refused_imports:
                raise RefusedImport('a Python tool may not import %s in Weir workers' % args[0])
        elif event == 'os.kill' or event == 'os.killpg' or event == 'signal.pthread_kill':
            if event != 'signal.pthread_kill' and args and args[0] not in (own_pid, 0):
                raise Refused('a Python tool may not signal other processes')
        elif event == 'object.__setattr__':
            if len(args) >= 2 and args[1] in frozen_attrs and getattr(args[0], '__globals__', None) is guard_globals:
                raise Refused('a Python tool may not replace a function\'s %s in Weir workers' % args[1])

    # Only the guard's own functions (those whose globals are this module's) are frozen: the standard
    # library sets __defaults__ itself (namedtuple).
    sys.addaudithook(hook)
    sys.modules.pop('weir_guard', None)
