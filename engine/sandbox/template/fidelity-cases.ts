/**
 * Prompt-flow style templates with the exact text Jinja2 3.1.6 renders for them, with prompt flow's
 * settings (trim_blocks=True, keep_trailing_newline=True). Produced by running each case through
 * Python's jinja2 once; the sandbox must render the same text.
 */
export interface FidelityCase {
  name: string;
  template: string;
  vars: Record<string, unknown>;
  jinja2: string;
}

export const FIDELITY_CASES: FidelityCase[] = [
  {
    name: "role lines",
    template: "system:\nYou are a helpful assistant.\n\n{% for item in chat_history %}\nuser:\n{{ item.inputs.question }}\nassistant:\n{{ item.outputs.answer }}\n{% endfor %}\nuser:\n{{ question }}\n",
    vars: {"question": "What is Weir?", "chat_history": [{"inputs": {"question": "Hi"}, "outputs": {"answer": "Hello!"}}, {"inputs": {"question": "Who are you?"}, "outputs": {"answer": "A bot."}}]},
    jinja2: "system:\nYou are a helpful assistant.\n\nuser:\nHi\nassistant:\nHello!\nuser:\nWho are you?\nassistant:\nA bot.\nuser:\nWhat is Weir?\n",
  },
  {
    name: "documents with loop.index",
    template: "# Context\n{% for doc in documents %}\n[{{ loop.index }}] {{ doc.title }}: {{ doc.content | trim }}\n{% endfor %}\n",
    vars: {"documents": [{"title": "A", "content": "  alpha  "}, {"title": "B", "content": "beta\n"}]},
    jinja2: "# Context\n[1] A: alpha\n[2] B: beta\n",
  },
  {
    name: "print python values",
    template: "{{ items }} {{ none }} {{ flag }} {{ off }} {{ n }} {{ f }} {{ d }} {{ missing }}|",
    vars: {"items": ["a", "b"], "flag": true, "off": false, "n": 3, "f": 2.5, "d": {"k": "v", "n": [1, null]}},
    jinja2: "['a', 'b'] None True False 3 2.5 {'k': 'v', 'n': [1, None]} |",
  },
  {
    name: "tuples and nested repr",
    template: "{{ (1, 'a') }} {{ [('x', 1)] }} {{ {'q': \"it's\"} }} {{ 'say \"hi\"' }} {{ ['it\\'s'] }}",
    vars: {},
    jinja2: "(1, 'a') [('x', 1)] {'q': \"it's\"} say \"hi\" [\"it's\"]",
  },
  {
    name: "floats",
    template: "{{ 1/3 }} {{ 10/2 }} {{ 1e16 }} {{ 1e-5 }} {{ 0.1 + 0.2 }} {{ 2.0 * 3 }} {{ -0.0 }} {{ 1.5e300 * 1.0 }} {{ 123456789.125 }}",
    vars: {},
    jinja2: "0.3333333333333333 5.0 1e+16 1e-05 0.30000000000000004 6.0 -0.0 1.5e+300 123456789.125",
  },
  {
    name: "default filter",
    template: "{{ missing | default('none given') }} {{ empty | default('x') }} {{ empty | default('x', true) }} {{ zero | d('z', boolean=true) }}",
    vars: {"empty": "", "zero": 0},
    jinja2: "none given  x z",
  },
  {
    name: "join length lower upper",
    template: "{{ tags | join(', ') }} {{ tags | length }} {{ 'MiXeD' | lower }} {{ 'MiXeD' | upper }} {{ tags | count }}",
    vars: {"tags": ["x", "y", "z"]},
    jinja2: "x, y, z 3 mixed MIXED 3",
  },
  {
    name: "replace trim",
    template: "{{ text | replace('a', 'o') }}|{{ text | replace('a', 'o', 1) }}|{{ '  pad  ' | trim }}|{{ 'xxhixx' | trim('x') }}",
    vars: {"text": "banana"},
    jinja2: "bonono|bonana|pad|hi",
  },
  {
    name: "tojson",
    template: "{{ obj | tojson }}\n{{ obj | tojson(indent=2) }}\n{{ 'café <b>&\\'' | tojson }} {{ [1, 2.0, none, true] | tojson }} {{ {} | tojson }} {{ [] | tojson(indent=2) }}",
    vars: {"obj": {"z": 1, "a": {"b": [1, "two"]}}},
    jinja2: "{\"a\": {\"b\": [1, \"two\"]}, \"z\": 1}\n{\n  \"a\": {\n    \"b\": [\n      1,\n      \"two\"\n    ]\n  },\n  \"z\": 1\n}\n\"caf\\u00e9 \\u003cb\\u003e\\u0026\\u0027\" [1, 2.0, null, true] {} []",
  },
  {
    name: "first last",
    template: "{{ items | first }} {{ items | last }} {{ 'word' | first }} {{ 'word' | last }}",
    vars: {"items": [3, 4, 5]},
    jinja2: "3 5 w d",
  },
  {
    name: "round int string",
    template: "{{ 2.5 | round }} {{ 3.5 | round }} {{ 2.675 | round(2) }} {{ 0.125 | round(2) }} {{ 7 | round }} {{ 2.4 | round(method='ceil') }} {{ 2.6 | round(method='floor') }} {{ -2.5 | round }} {{ 1234.5678 | round(-2) }}|{{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int }} {{ 'x' | int(5) }} {{ 3.9 | int }} {{ '0x1A' | int(0, 16) }} {{ 'ff' | int(base=16) }}|{{ 12 | string }} {{ [1] | string }} {{ none | string }}",
    vars: {},
    jinja2: "2.0 4.0 2.67 0.12 7 3.0 2.0 -2.0 1200.0|42 4 0 5 3 26 255|12 [1] None",
  },
  {
    name: "float filter",
    template: "{{ '3.5' | float }} {{ 'x' | float }} {{ 2 | float }} {{ '1e3' | float }}",
    vars: {},
    jinja2: "3.5 0.0 2.0 1000.0",
  },
  {
    name: "selectattr map",
    template: "{{ users | selectattr('active') | map(attribute='name') | join(',') }} {{ users | rejectattr('active') | map(attribute='name') | list }} {{ users | selectattr('age', 'gt', 20) | map(attribute='name') | join }} {{ users | map(attribute='missing', default='?') | list }}",
    vars: {"users": [{"name": "a", "active": true, "age": 30}, {"name": "b", "active": false, "age": 10}]},
    jinja2: "a ['b'] a ['?', '?']",
  },
  {
    name: "items and dictsort",
    template: "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {% for k, v in d | dictsort %}{{ k }}={{ v }};{% endfor %} {{ d | items | list }} {{ d.keys() | list }} {{ d.values() | list }}",
    vars: {"d": {"b": 2, "a": 1}},
    jinja2: "b=2;a=1; a=1;b=2; [('b', 2), ('a', 1)] ['b', 'a'] [2, 1]",
  },
  {
    name: "map filter name",
    template: "{{ names | map('upper') | join(' ') }} {{ nums | map('string') | join('-') }} {{ names | map('replace', 'a', 'A') | list }}",
    vars: {"names": ["ann", "bob"], "nums": [1, 2]},
    jinja2: "ANN BOB 1-2 ['Ann', 'bob']",
  },
  {
    name: "select reject",
    template: "{{ nums | select('odd') | list }} {{ nums | reject('odd') | list }} {{ nums | select('equalto', 3) | list }} {{ nums | select('ge', 3) | list }} {{ [0, 1, '', 'x'] | select | list }}",
    vars: {"nums": [1, 2, 3, 4]},
    jinja2: "[1, 3] [2, 4] [3] [3, 4] [1, 'x']",
  },
  {
    name: "sort unique min max sum",
    template: "{{ [3, 1, 2] | sort }} {{ ['b', 'A', 'c'] | sort }} {{ ['b', 'A', 'c'] | sort(case_sensitive=true) }} {{ [3, 1, 2] | sort(reverse=true) }} {{ users | sort(attribute='age') | map(attribute='n') | list }} {{ [1, 2, 2, 'a', 'A'] | unique | list }} {{ [3, 1, 2] | min }} {{ [3, 1, 2] | max }} {{ [1, 2, 3] | sum }} {{ users | sum(attribute='age') }}",
    vars: {"users": [{"n": "x", "age": 30}, {"n": "y", "age": 10}]},
    jinja2: "[1, 2, 3] ['A', 'b', 'c'] ['A', 'b', 'c'] [3, 2, 1] ['y', 'x'] [1, 2, 'a'] 1 3 6 40",
  },
  {
    name: "batch slice",
    template: "{{ items | batch(2) | list }} {{ items | batch(2, 'pad') | list }} {{ items | slice(2) | list }} {{ items | slice(3, 'f') | list }}",
    vars: {"items": [1, 2, 3, 4, 5]},
    jinja2: "[[1, 2], [3, 4], [5]] [[1, 2], [3, 4], [5, 'pad']] [[1, 2, 3], [4, 5]] [[1, 2], [3, 4], [5, 'f']]",
  },
  {
    name: "groupby",
    template: "{% for g in people | groupby('city') %}{{ g.grouper }}: {{ g.list | map(attribute='n') | join(',') }}; {% endfor %}{% for city, ps in people | groupby('city') %}{{ city }}={{ ps | length }} {% endfor %}",
    vars: {"people": [{"n": "a", "city": "Oslo"}, {"n": "b", "city": "Bern"}, {"n": "c", "city": "Oslo"}]},
    jinja2: "Bern: b; Oslo: a,c; Bern=1 Oslo=2 ",
  },
  {
    name: "text filters",
    template: "{{ 'hello world' | title }} {{ 'hELLO wORLD' | capitalize }} {{ 'they\\'re here' | title }} {{ 'ab' | center(6) }}| {{ '<a href=\"x\">y</a> &amp; z' | striptags }} {{ '<b>&\"\\'' | e }} {{ 'a b  c' | wordcount }} {{ 'abc' | reverse }} {{ [1, 2] | reverse | list }}",
    vars: {},
    jinja2: "Hello World Hello world They're Here   ab  | y & z &lt;b&gt;&amp;&#34;&#39; 3 cba [2, 1]",
  },
  {
    name: "truncate",
    template: "{{ long | truncate(20) }}|{{ long | truncate(20, true) }}|{{ long | truncate(20, false, '…', 0) }}|{{ 'short' | truncate(20) }}",
    vars: {"long": "The quick brown fox jumps over the lazy dog"},
    jinja2: "The quick brown...|The quick brown f...|The quick brown…|short",
  },
  {
    name: "indent",
    template: "{{ text | indent }}|{{ text | indent(2, first=true) }}|{{ text | indent(2, blank=true) }}|{{ text | indent('> ') }}",
    vars: {"text": "one\ntwo\n\nthree"},
    jinja2: "one\n    two\n\n    three|  one\n  two\n\n  three|one\n  two\n  \n  three|one\n> two\n\n> three",
  },
  {
    name: "format",
    template: "{{ '%s is %d years' | format('Ada', 36) }} {{ '%.2f' | format(3.14159) }} {{ '%5s|%-5s|' | format('a', 'b') }} {{ '%(n)s!' | format(n='x') }} {{ '%05d %+d %x %o %e %g %g' | format(42, 5, 255, 8, 12345.678, 0.00001, 1234567) }} {{ '%%' | format() }} {{ '%r' | format('q') }}",
    vars: {},
    jinja2: "Ada is 36 years 3.14     a|b    | x! 00042 +5 ff 10 1.234568e+04 1e-05 1.23457e+06 % 'q'",
  },
  {
    name: "str.format and methods",
    template: "{{ '{} and {}'.format('a', 'b') }} {{ '{0}{1}{0}'.format('x', 'y') }} {{ '{name}!'.format(name='n') }} {{ '{:>6}|{:<4}|{:^5}|{:.2f}|{:,}|{:08.3f}|{!r}'.format('r', 'l', 'c', 3.14159, 1234567, -3.14159, 'q') }} {{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a b c'.split(None, 1) }} {{ '-'.join(['x', 'y']) }} {{ 'Hi'.startswith('H') }} {{ 'Hi'.endswith(('x', 'i')) }} {{ 'abcabc'.count('b') }} {{ 'abc'.find('c') }} {{ 'x'.zfill(3) }} {{ '  s '.strip() }} {{ 'xxsxx'.strip('x') }} {{ 'one\\ntwo'.splitlines() }} {{ 'abc'.upper() }} {{ 'ABC'.lower() }} {{ 'a-b c'.title() }} {{ '12'.isdigit() }} {{ 'ab'.isalpha() }}",
    vars: {},
    jinja2: "a and b xyx n!      r|l   |  c  |3.14|1,234,567|-003.142|'q' ['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b c'] x-y True True 2 2 00x s s ['one', 'two'] ABC abc A-B C True True",
  },
  {
    name: "operators",
    template: "{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7.5 % 2 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 3 ** 2 }} {{ 10 / 4 }} {{ 3 * 1.5 }} {{ 'ab' * 3 }} {{ [0] * 3 }} {{ 'a' ~ 1 ~ none ~ true }} {{ [1] + [2] }} {{ 'x' + 'y' }} {{ 1 + true }} {{ not 0 }} {{ 1 < 2 < 3 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }}",
    vars: {},
    jinja2: "3 -4 2 1.5 1024 0.5 64 2.5 4.5 ababab [0, 0, 0] a1NoneTrue [1, 2] xy 2 True True True True",
  },
  {
    name: "comparison and membership",
    template: "{{ 1 == 1.0 }} {{ '1' == 1 }} {{ [1, 2] == [1, 2] }} {{ (1, 2) == [1, 2] }} {{ {'a': 1} == {'a': 1} }} {{ none == none }} {{ 'at' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} {{ [1] in [[1]] }}",
    vars: {},
    jinja2: "True False True False True True True True True True True",
  },
  {
    name: "and or",
    template: "{{ 0 or 'x' }} {{ 'a' and 'b' }} {{ [] or none }} {{ '' and 'x' }}|{{ none or [] }}|",
    vars: {},
    jinja2: "x b None |[]|",
  },
  {
    name: "tests",
    template: "{{ 3 is odd }} {{ 4 is even }} {{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ none is none }} {{ 'a' is string }} {{ 1 is number }} {{ 1.5 is float }} {{ 1 is integer }} {{ true is boolean }} {{ {} is mapping }} {{ [] is sequence }} {{ 'ABC' is upper }} {{ 'abc' is lower }} {{ range is callable }} {{ x is not none }}",
    vars: {"x": 1},
    jinja2: "True True True False True True True True True True True True True True True True True",
  },
  {
    name: "if elif else",
    template: "{% for n in [1, 5, 10] %}\n{% if n < 3 %}\nsmall\n{% elif n < 8 %}\nmedium\n{% else %}\nlarge\n{% endif %}\n{% endfor %}\n",
    vars: {},
    jinja2: "small\nmedium\nlarge\n",
  },
  {
    name: "for else, loop vars, filter",
    template: "{% for x in [] %}x{% else %}none{% endfor %} {% for x in 'abc' %}{{ loop.index0 }}{{ x }}{{ '|' if not loop.last }}{% endfor %} {% for i in range(10) if i is even %}{{ i }}{% endfor %} {% for a in [1, 2] %}{{ loop.revindex }}{{ loop.length }}{{ loop.first }}{% endfor %} {% for i in range(3) %}{{ loop.cycle('o', 'e') }}{% endfor %}",
    vars: {},
    jinja2: "none 0a|1b|2c 02468 22True12False oeo",
  },
  {
    name: "prev next",
    template: "{% for x in [1, 2, 3] %}{{ loop.previtem | default('-') }}{{ x }}{{ loop.nextitem | default('-') }} {% endfor %}",
    vars: {},
    jinja2: "-12 123 23- ",
  },
  {
    name: "range",
    template: "{{ range(3) | list }} {{ range(1, 4) | list }} {{ range(10, 0, -3) | list }} {{ range(0) | list }}",
    vars: {},
    jinja2: "[0, 1, 2] [1, 2, 3] [10, 7, 4, 1] []",
  },
  {
    name: "set and namespace",
    template: "{% set x = 1 %}{% for i in range(3) %}{% set x = x + i %}{% endfor %}{{ x }} {% set ns = namespace(total=0) %}{% for i in range(4) %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }} {% set a, b = 1, 2 %}{{ a }}{{ b }} {% set block %}inner {{ x }}{% endset %}{{ block }}",
    vars: {},
    jinja2: "1 6 12 inner 1",
  },
  {
    name: "macros and caller",
    template: "{% macro field(name, value='', type='text') %}<{{ type }} {{ name }}={{ value }}>{% endmacro %}{{ field('q') }} {{ field('n', 1, type='num') }} {% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}in{% endcall %} {% macro row(x) %}{{ caller(x * 2) }}{% endmacro %}{% call(v) row(21) %}v={{ v }}{% endcall %}",
    vars: {},
    jinja2: "<text q=> <num n=1> [in] v=42",
  },
  {
    name: "cycler joiner dict",
    template: "{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }} {% set j = joiner(' | ') %}{% for x in [1, 2, 3] %}{{ j() }}{{ x }}{% endfor %} {{ dict(a=1, b='x') }}",
    vars: {},
    jinja2: "abab 1 | 2 | 3 {'a': 1, 'b': 'x'}",
  },
  {
    name: "filter block",
    template: "{% filter upper %}shout {{ word }}{% endfilter %} {% filter replace('a', 'e') %}banana{% endfilter %}",
    vars: {"word": "hey"},
    jinja2: "SHOUT HEY benene",
  },
  {
    name: "whitespace control",
    template: "a {%- if true -%}  \n  b {%+ endif +%}\nc\n{{- ' d ' -}}\n e {# comment #}\nf{#- c -#}  g\n",
    vars: {},
    jinja2: "ab \nc d e fg\n",
  },
  {
    name: "raw and comments",
    template: "{% raw %}{{ not rendered }}{% endraw %}\n{# gone #}\nafter\n",
    vars: {},
    jinja2: "{{ not rendered }}after\n",
  },
  {
    name: "trailing newline kept",
    template: "line {{ x }}\n",
    vars: {"x": 1},
    jinja2: "line 1\n",
  },
  {
    name: "trim blocks",
    template: "{% if true %}\nkept\n{% endif %}\n{% for i in [1,2] %}\n  - {{ i }}\n{% endfor %}\ndone",
    vars: {},
    jinja2: "kept\n  - 1\n  - 2\ndone",
  },
  {
    name: "slices and indexes",
    template: "{{ s[0] }} {{ s[-1] }} {{ s[1:3] }} {{ s[::-1] }} {{ l[1:] }} {{ l[:-1] }} {{ l[::2] }} {{ l.1 }} {{ l[5] }}|{{ t[0] }}",
    vars: {"s": "hello", "l": [1, 2, 3, 4], "t": ["x"]},
    jinja2: "h o el olleh [2, 3, 4] [1, 2, 3] [1, 3] 2 |x",
  },
  {
    name: "dict access",
    template: "{{ d.a }} {{ d['a'] }} {{ d.get('missing', 'dflt') }} {{ d.get('a') }} {{ d.missing }}|{{ d['b']['c'] }} {{ d.b.c }}",
    vars: {"d": {"a": 1, "b": {"c": 2}}},
    jinja2: "1 1 dflt 1 |2 2",
  },
  {
    name: "urlencode pprint",
    template: "{{ 'a b/c?' | urlencode }} {{ {'q': 'x y', 'n': 1} | urlencode }} {{ {'a': [1, 'b']} | pprint }}",
    vars: {},
    jinja2: "a%20b/c%3F q=x+y&n=1 {'a': [1, 'b']}",
  },
  {
    name: "abs list escape",
    template: "{{ -3 | abs }} {{ -2.5 | abs }} {{ 'abc' | list }} {{ {'a': 1} | list }} {{ '<x>' | escape }} {{ 'x' | safe }}",
    vars: {},
    jinja2: "3 2.5 ['a', 'b', 'c'] ['a'] &lt;x&gt; x",
  },
  {
    name: "unicode",
    template: "{{ s | length }} {{ s[0] }} {{ s | upper }} {{ s | reverse }} {{ s | tojson }}",
    vars: {"s": "é😀b"},
    jinja2: "3 é É😀B b😀é \"\\u00e9\\ud83d\\ude00b\"",
  },
  {
    name: "chat-with-your-data template",
    template: "system:\nAnswer the question using only the numbered sources below. After each fact, cite its\nsource number in brackets, like [1]. If the sources do not answer the question, say so.\n\n{{ sources }}\n{% for turn in history %}\nuser:\n{{ turn.inputs.question }}\nassistant:\n{{ turn.outputs.answer }}\n{% endfor %}\nuser:\n{{ question }}\n",
    vars: {"sources": "[1] Alpha.\n\n[2] Beta.", "history": [{"inputs": {"question": "q1"}, "outputs": {"answer": "a1"}}], "question": "q2"},
    jinja2: "system:\nAnswer the question using only the numbered sources below. After each fact, cite its\nsource number in brackets, like [1]. If the sources do not answer the question, say so.\n\n[1] Alpha.\n\n[2] Beta.\nuser:\nq1\nassistant:\na1\nuser:\nq2\n",
  },
  {
    name: "prompt flow few-shot",
    template: "{% for ex in examples %}\nQ: {{ ex.q }}\nA: {{ ex.a }}\n\n{% endfor %}\nQ: {{ question }}\nA:",
    vars: {"examples": [{"q": "2+2?", "a": "4"}, {"q": "Capital of France?", "a": "Paris"}], "question": "3+3?"},
    jinja2: "Q: 2+2?\nA: 4\n\nQ: Capital of France?\nA: Paris\n\nQ: 3+3?\nA:",
  },
  {
    name: "json body",
    template: "{\"query\": {{ q | tojson }}, \"top\": {{ k }}, \"filters\": {{ filters | tojson }}}",
    vars: {"q": "say \"hi\"\n", "k": 5, "filters": {"lang": "en", "tags": ["a", "b"]}},
    jinja2: "{\"query\": \"say \\\"hi\\\"\\n\", \"top\": 5, \"filters\": {\"lang\": \"en\", \"tags\": [\"a\", \"b\"]}}",
  },
];
