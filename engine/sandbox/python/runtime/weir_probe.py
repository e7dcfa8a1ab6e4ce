# Run as `python3 -I -S -c <this text>`; reads JSON on stdin, writes JSON on stdout. Never imports
# or runs the tool: it reads the tool file's top-level imports with `ast` and asks the import system
# whether each module (and each requirement's module) can be found on the worker's path.
import ast
import importlib.util
import json
import sys

req = json.loads(sys.stdin.read())
sys.path[:0] = list(req.get('paths') or [])
local = set(req.get('local') or [])
imports = []
try:
    tree = ast.parse(req.get('source') or '')
    for node in tree.body:
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.split('.')[0]
            if top not in imports:
                imports.append(top)
except SyntaxError:
    pass  # the worker reports it with its line when it imports the file


def found(name):
    if name in local or name == 'promptflow' or name in sys.builtin_module_names:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


wanted = imports + [m for m in (req.get('modules') or []) if m not in imports]
print(json.dumps({'imports': imports, 'missing': [m for m in wanted if not found(m)]}))
