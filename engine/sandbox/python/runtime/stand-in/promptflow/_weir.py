"""The bridge between the stand-in and the worker: metrics out, connection objects in."""
import numbers

_current = {'id': None, 'send': None}


def bind_call(call_id, send):
    _current['id'] = call_id
    _current['send'] = send


def log_metric(key, value, variant_id=None):
    """prompt flow's log_metric: records a run metric (a number) with Weir."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError('log_metric("%s", ...) needs a number, got %s' % (key, type(value).__name__))
    value = float(value)
    send = _current['send']
    if send is None:
        import sys
        print('log_metric("%s") outside a tool call is ignored' % key, file=sys.stderr)
        return
    send({'type': 'metric', 'id': _current['id'], 'name': str(key), 'value': value})


def build_connection(conn):
    from . import connections
    cls = getattr(connections, conn.get('class') or 'CustomConnection', connections.CustomConnection)
    return cls._from_weir(conn)
