"""Velocity as AWS runs it: directives, comments, quiet references, Java methods and printing.

Velocity user guide (https://velocity.apache.org/engine/1.7/user-guide.html); AWS quotas page for the 1,000
iteration limit (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
"""

from __future__ import annotations

from serverlite.gateway.vtl import render


def out(template, data):
    return render(template, data).output


def test_set_if_elseif_else(make):
    template = "#set($n = $input.path('$.n'))#if($n > 10)big#elseif($n > 3)mid#else small#end"
    assert out(template, make('{"n": 5}')) == "mid"
    assert out(template, make('{"n": 50}')) == "big"


def test_foreach_counters(make):
    template = "#foreach($x in ['a', 'b', 'c'])$velocityCount=$x#if($foreach.hasNext),#end#end"
    assert out(template, make()) == "1=a,2=b,3=c"


def test_foreach_over_a_map_walks_its_values(make):
    assert out("#foreach($v in $input.path('$'))$v;#end", make('{"a": 1, "b": 2}')) == "1;2;"


def test_foreach_over_key_set(make):
    assert out("#foreach($k in $input.path('$').keySet())$k;#end", make('{"a": 1, "b": 2}')) == "a;b;"


def test_foreach_stops_after_1000_iterations(make):
    body = "[" + ",".join(["1"] * 1500) + "]"
    assert out("#foreach($x in $input.path('$'))$x#end", make(body)) == "1" * 1000


def test_comments(make):
    assert out("a## line comment\nb#* block\ncomment *#c", make()) == "abc"


def test_quiet_and_plain_null_references(make):
    assert out("[$!{nothing}][$!nothing][$nothing]", make()) == "[][][]"


def test_string_methods(make):
    data = make('{"s": "  Hello World  "}')
    template = (
        "#set($s = $input.path('$.s').trim())"
        "$s.length()|$s.substring(0, 5)|$s.toLowerCase()|$s.toUpperCase()|$s.replace('World', 'VTL')|"
        "$s.contains('World')|$s.split(' ').size()|$s.startsWith('He')|$s.indexOf('o')|$s.isEmpty()"
    )
    assert out(template, data) == "11|Hello|hello world|HELLO WORLD|Hello VTL|true|2|true|4|false"


def test_split_takes_a_regex(make):
    assert out("$input.path('$.s').split('[.]').size()", make('{"s": "a.b.c"}')) == "3"


def test_string_methods_on_literals(make):
    assert out("#set($s = 'Abc')$s.toLowerCase() $s.length() $s.contains('b')", make()) == "abc 3 true"


def test_map_and_list_methods(make):
    template = (
        "#set($m = $input.path('$'))$m.size() $m.get('a') $m.keySet() $m.isEmpty() $m.containsKey('b') "
        "$m.containsKey('z') $m.l.size() $m.l.get(1) $m.l.isEmpty()"
    )
    assert (
        out(template, make('{"a": 1, "b": "x", "l": [7, 8]}')) == "3 1 [a, b, l] false true false 2 8 false"
    )


def test_printing_as_java(make):
    template = "#set($m = {'a': 1, 'b': true})#set($l = [1, 'x', false])$m $l #set($t = 1 == 1)$t"
    assert out(template, make()) == "{a=1, b=true} [1, x, false] true"


def test_doubles_print_as_java(make):
    assert (
        out(
            "$input.path('$.a') $input.path('$.b') $input.path('$.c')",
            make('{"a": 1.0, "b": 1e20, "c": 0.0001}'),
        )
        == "1.0 1.0E20 1.0E-4"
    )


def test_hash_and_dollar_text_pass_through(make):
    assert out("color #fff costs $5", make()) == "color #fff costs $5"
