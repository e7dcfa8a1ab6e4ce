# Run as `python3 -I -S -c <this text>`; reads {"source", "function"?} as JSON on stdin and writes the
# tool function's signature (or an error with its line) as JSON. It only parses the source with
# `ast`: the tool file is never imported or run.
import ast
import json
import sys

req = json.loads(sys.stdin.read())
SIMPLE = {'str': 'string', 'int': 'int', 'float': 'double', 'bool': 'bool', 'list': 'list', 'dict': 'object',
          'List': 'list', 'Sequence': 'list', 'Tuple': 'list', 'tuple': 'list', 'Set': 'list', 'set': 'list', 'Iterable': 'list',
          'Dict': 'object', 'Mapping': 'object', 'OrderedDict': 'object', 'Any': 'any', 'object': 'any',
          'PromptTemplate': 'string', 'Secret': 'string', 'FilePath': 'string'}


FROM_VALUE = {'str': 'string', 'bool': 'bool', 'int': 'int', 'float': 'double', 'list': 'list', 'tuple': 'list', 'dict': 'object'}


def name_of(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def one_kind(kinds):
    """A union's type: its members' one type; several connection classes are a connection of any of them."""
    if len(kinds) == 1:
        return kinds.pop()
    if kinds and all(k == 'connection' for k, _ in kinds):
        return 'connection', None
    return 'any', None


def value_type(node):
    """(type, connection class) for an annotation node."""
    if node is None:
        return 'any', None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return value_type(ast.parse(node.value, mode='eval').body)
        except SyntaxError:
            return 'any', None
    if isinstance(node, ast.Constant) and node.value is None:
        return 'any', None
    if isinstance(node, ast.Subscript):
        base = name_of(node.value)
        inner = node.slice
        if isinstance(inner, ast.Index):  # Python 3.8
            inner = inner.value
        if base == 'Optional':
            return value_type(inner)
        if base == 'Union':
            elts = [e for e in getattr(inner, 'elts', [inner]) if not (isinstance(e, ast.Constant) and e.value is None)]
            return one_kind({value_type(e) for e in elts})
        return SIMPLE.get(base, 'any'), None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | None
        return one_kind({value_type(e) for e in (node.left, node.right) if not (isinstance(e, ast.Constant) and e.value is None)})
    name = name_of(node)
    if name and name.endswith('Connection'):
        return 'connection', name
    return SIMPLE.get(name, 'any'), None


def is_tool_decorator(d):
    target = d.func if isinstance(d, ast.Call) else d
    return name_of(target) == 'tool'


class YieldFinder(ast.NodeVisitor):
    found = False

    def visit_Yield(self, node):
        self.found = True

    def visit_YieldFrom(self, node):
        self.found = True

    def visit_FunctionDef(self, node):
        pass  # a nested function's yield is its own

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef


def literal(node):
    try:
        return True, ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return False, None


def signature(fn):
    a = fn.args
    positional = list(getattr(a, 'posonlyargs', [])) + list(a.args)
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    pairs = list(zip(positional, defaults)) + list(zip(a.kwonlyargs, a.kw_defaults))
    params = []
    for arg, default in pairs:
        if arg.arg in ('self', 'cls'):
            continue
        kind, conn = value_type(arg.annotation)
        p = {'name': arg.arg, 'type': kind, 'has_default': default is not None}
        if arg.annotation is not None:
            p['annotation'] = ast.get_source_segment(req['source'], arg.annotation) or name_of(arg.annotation) or ''
        if conn:
            p['connection_class'] = conn
        if default is not None:
            ok, value = literal(default)
            if ok:
                p['default'] = value
                if arg.annotation is None and value is not None:
                    # No annotation: the type of the literal default, as prompt flow infers it.
                    p['type'] = FROM_VALUE.get(type(value).__name__, 'any')
        params.append(p)
    finder = YieldFinder()
    for stmt in fn.body:
        finder.visit(stmt)
    return {'function': fn.name, 'params': params, 'kwargs': a.kwarg is not None, 'returns': value_type(fn.returns)[0],
            'generator': finder.found, 'line': fn.lineno}


def imports(tree):
    out = []
    for node in tree.body:
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
        for n in names:
            top = n.split('.')[0]
            if top not in out:
                out.append(top)
    return out


def main():
    try:
        tree = ast.parse(req['source'])
    except SyntaxError as e:
        return {'error': 'the source does not parse: %s' % e.msg, 'line': e.lineno}
    fns = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    wanted = req.get('function')
    if wanted:
        chosen = [f for f in fns if f.name == wanted]
        if not chosen:
            names = ', '.join(f.name for f in fns) or 'none'
            return {'error': 'no top-level function "%s" (functions: %s)' % (wanted, names)}
    else:
        chosen = [f for f in fns if any(is_tool_decorator(d) for d in f.decorator_list)]
        if not chosen:
            public = [f for f in fns if not f.name.startswith('_')]
            chosen = public if len(public) == 1 else []
        if not chosen:
            return {'error': 'no @tool function, and not exactly one public function to take instead'}
    out = signature(chosen[0])
    out['imports'] = imports(tree)
    return {'signature': out}


print(json.dumps(main(), default=repr))
