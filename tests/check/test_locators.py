"""The locators and the comparison of values, in process: the corners of each format."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from inbox.check.bindings import Binding
from inbox.check.locate import Files, Found, UnresolvedError
from inbox.check.values import matches, same


def locate(tmp_path: Path, text: str, locator: str, target: str, name: str = "f") -> Found:
    (tmp_path / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    binding = Binding("k", name, locator, target, None, None, 1)
    return Files(tmp_path, str).locate(binding)


def test_json_pointers_unescape_and_index_arrays(tmp_path: Path) -> None:
    text = """
        {
          "a/b": {"m~n": 1},
          "list": [
            {"x": "first"},
            {"x": "second"}
          ],
          "t": true
        }
        """
    assert locate(tmp_path, text, "json", "/a~1b/m~0n") == Found("1", 2)
    assert locate(tmp_path, text, "json", "/list/1/x") == Found("second", 5)
    assert locate(tmp_path, text, "json", "/t") == Found("true", 7)
    with pytest.raises(UnresolvedError, match="no array item '01'"):
        locate(tmp_path, text, "json", "/list/01/x")
    with pytest.raises(UnresolvedError, match="points at an array"):
        locate(tmp_path, text, "json", "/list")
    with pytest.raises(UnresolvedError, match="is not valid JSON"):
        locate(tmp_path, '{"a": NaN}', "json", "/a", name="g")


def test_toml_lines_follow_tables_arrays_of_tables_and_inline_tables(tmp_path: Path) -> None:
    text = '''
        title = """
        refresh = 1
        """
        [[server]]
        port = 80
        [[server]]
        port = 8080
        [server.tls]
        enabled = true
        [auth]
        token = { refresh = 60 }
        "dotted.key" = "x"
        '''
    assert locate(tmp_path, text, "toml", "server.1.port") == Found("8080", 7)
    assert locate(tmp_path, text, "toml", "server.1.tls.enabled") == Found("true", 9)
    assert locate(tmp_path, text, "toml", "auth.token.refresh") == Found("60", 11)
    assert locate(tmp_path, text, "toml", "auth.dotted.key") == Found("x", 12)
    with pytest.raises(UnresolvedError, match="has no TOML key refresh"):
        locate(tmp_path, text, "toml", "refresh")


def test_yaml_paths_through_mappings_and_lists(tmp_path: Path) -> None:
    text = """
        auth:
          refresh: 900
          clients:
            - name: web
            - name: "mobile"
        """
    assert locate(tmp_path, text, "yaml", "auth.refresh") == Found("900", 2)
    assert locate(tmp_path, text, "yaml", "auth.clients.1.name") == Found("mobile", 5)
    with pytest.raises(UnresolvedError, match="is not valid YAML \\(line 2"):
        locate(tmp_path, "a: [1\nb: 2\n", "yaml", "a", name="g")


def test_ini_sections_with_dots_and_the_default_section(tmp_path: Path) -> None:
    text = """
        [DEFAULT]
        timeout = 30

        [tool.app]
        Refresh = 60
        """
    assert locate(tmp_path, text, "ini", "tool.app.refresh") == Found("60", 5)
    assert locate(tmp_path, text, "ini", "tool.app.timeout") == Found("30", 2)


def test_env_quotes_export_comments_and_the_last_assignment(tmp_path: Path) -> None:
    text = """
        export A=1 # one
        B='literal # kept'
        C="two
        lines"
        A=2
        """
    assert locate(tmp_path, text, "env", "A") == Found("2", 5)
    assert locate(tmp_path, text, "env", "B") == Found("literal # kept", 2)
    assert locate(tmp_path, text, "env", "C") == Found("two\nlines", 3)


def test_values_compare_as_numbers_when_both_are_numbers() -> None:
    assert same("15", "15.0") and same(" 15 ", "1.5e1") and not same("15", "16")
    assert same("light", " light ") and not same("Light", "light")
    assert not same("nan", "NaN") and same("nan", "nan")  # not numbers: compared as text
    assert matches("3600", "60", "60") and matches("30", "0.5", "60")
    assert not matches("3600", "sixty", "60")
