"""Shell completion scripts and a man page, generated from the argparse parser (one source for both).

`command_tree(parser)` walks the parser into plain records; the writers turn them into bash, zsh (bash
completion through bashcompinit), fish and roff. Adding a sub-command or an option updates all of them.
"""

from __future__ import annotations

import argparse
import datetime
from dataclasses import dataclass, field

FILE_OPTIONS = {"-o", "--output", "--screenshot"}
"""Options whose value is a path (completed as file names)."""


@dataclass
class Option:
    flags: list[str]
    help: str
    metavar: str | None
    choices: list[str] | None
    takes_value: bool


@dataclass
class Command:
    path: tuple[str, ...]
    help: str
    description: str
    usage: str
    options: list[Option] = field(default_factory=list)
    positionals: list[Option] = field(default_factory=list)
    children: list["Command"] = field(default_factory=list)


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def command_tree(parser: argparse.ArgumentParser, path: tuple[str, ...] = (), help: str = "") -> Command:
    node = Command(path=path, help=help, description=parser.description or help,
                   usage=parser.format_usage().removeprefix("usage: ").strip())
    for action in parser._actions:
        if isinstance(action, (argparse._SubParsersAction, argparse._HelpAction)):
            continue
        choices = [str(c) for c in action.choices] if action.choices else None
        option = Option(flags=list(action.option_strings), help=action.help or "",
                        metavar=action.metavar if isinstance(action.metavar, str) else None,
                        choices=choices, takes_value=action.nargs != 0)
        (node.options if action.option_strings else node.positionals).append(option)
    sub = _subparsers(parser)
    if sub is not None:
        helps = {a.dest: a.help or "" for a in sub._choices_actions}
        for name, child in sub.choices.items():
            node.children.append(command_tree(child, (*path, name), helps.get(name, "")))
    return node


def _walk(node: Command):
    yield node
    for child in node.children:
        yield from _walk(child)


def _words(items) -> str:
    return " ".join(items)


def bash_completion(parser: argparse.ArgumentParser) -> str:
    """A bash completion function: sub-commands, each command's options, option choices, file names."""
    root = command_tree(parser)
    prog = parser.prog
    func = f"_{prog}".replace("-", "_")
    lines = [f"# bash completion for {prog} (generated from its argument parser: `{prog} completion bash`)",
             f"{func}() {{",
             '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" path="" w',
             '    for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do',
             '        case "$w" in -*) ;; *)',
             '            case " $(' + func + '_children "$path") " in *" $w "*) path="${path:+$path }$w";; esac;;',
             "        esac",
             "    done",
             '    local opts choices="" words=""',
             '    case "$path" in']
    for node in _walk(root):
        key = " ".join(node.path)
        opts = [f for o in node.options for f in o.flags]
        words = [c for o in node.positionals for c in (o.choices or [])]
        lines.append(f'        "{key}") opts="{_words(opts)}" words="{_words(words)}"')
        lines.append('            case "$prev" in')
        for o in node.options:
            if o.choices:
                lines.append(f'                {"|".join(o.flags)}) choices="{_words(o.choices)}";;')
            elif set(o.flags) & FILE_OPTIONS:
                lines.append(f'                {"|".join(o.flags)}) COMPREPLY=($(compgen -f -- "$cur")); return;;')
            elif o.takes_value:
                lines.append(f'                {"|".join(o.flags)}) return;;')
        lines.append("            esac;;")
    lines += ["    esac",
              '    if [[ -n "$choices" ]]; then COMPREPLY=($(compgen -W "$choices" -- "$cur")); return; fi',
              '    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); return; fi',
              '    if [[ -n "$words" ]]; then COMPREPLY=($(compgen -W "$words" -- "$cur")); return; fi',
              f'    local kids="$({func}_children "$path")"',
              '    if [[ -n "$kids" ]]; then COMPREPLY=($(compgen -W "$kids" -- "$cur")); fi',
              '    COMPREPLY+=($(compgen -f -- "$cur"))',
              "}",
              f"{func}_children() {{",
              '    case "$1" in']
    for node in _walk(root):
        if node.children:
            lines.append(f'        "{" ".join(node.path)}") echo "{_words(c.path[-1] for c in node.children)}";;')
    lines += ["    esac", "}",
              f"complete -o filenames -F {func} {prog}", ""]
    return "\n".join(lines)


def zsh_completion(parser: argparse.ArgumentParser) -> str:
    """zsh loads the bash function through bashcompinit (the same completions, one generator)."""
    return (f"#compdef {parser.prog}\n# zsh completion for {parser.prog}, through bashcompinit\n"
            "autoload -U +X bashcompinit && bashcompinit\n" + bash_completion(parser))


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish_completion(parser: argparse.ArgumentParser) -> str:
    root = command_tree(parser)
    prog = parser.prog
    lines = [f"# fish completion for {prog} (generated from its argument parser)"]
    for node in _walk(root):
        if node.path:
            cond = " && ".join(f"__fish_seen_subcommand_from {w}" for w in node.path)
        else:
            cond = "__fish_use_subcommand"
        if node.children:
            for child in node.children:
                parent = ("not __fish_seen_subcommand_from " + " ".join(c.path[-1] for c in node.children))
                when = f"{cond}; and {parent}" if node.path else cond
                lines.append(f"complete -c {prog} -f -n {_fish_quote(when)} -a {child.path[-1]} "
                             f"-d {_fish_quote(child.help)}")
        for o in node.options:
            if not node.path:
                when = "true"
            else:
                when = cond
            parts = [f"complete -c {prog} -n {_fish_quote(when)}"]
            for flag in o.flags:
                parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
            if o.choices:
                parts.append(f"-x -a {_fish_quote(' '.join(o.choices))}")
            elif o.takes_value and not set(o.flags) & FILE_OPTIONS:
                parts.append("-x")
            elif o.takes_value:
                parts.append("-r -F")
            parts.append(f"-d {_fish_quote(o.help)}")
            lines.append(" ".join(parts))
    return "\n".join(lines) + "\n"


def _roff(text: str) -> str:
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in text.splitlines())


def man_page(parser: argparse.ArgumentParser, version: str, sections: dict[str, str] | None = None,
             date: datetime.date | None = None) -> str:
    """A section-1 man page: synopsis, every command with its options, then `sections` (title -> text)."""
    root = command_tree(parser)
    prog = parser.prog
    day = (date or datetime.date.today()).isoformat()
    out = [f'.TH {prog.upper()} 1 "{day}" "{prog} {version}" "User Commands"',
           ".SH NAME", f"{prog} \\- {_roff(parser.description or '')}",
           ".SH SYNOPSIS", f".B {prog}", "[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]",
           ".SH OPTIONS"]
    for o in root.options:
        out += [".TP", "\\fB" + _roff(", ".join(o.flags)) + "\\fR", _roff(o.help)]
    out.append(".SH COMMANDS")
    for node in _walk(root):
        if not node.path or node.children:
            continue
        out += [".SS " + _roff(" ".join(node.path)), _roff(node.help), ".PP", ".nf",
                _roff(node.usage), ".fi"]
        for o in node.positionals:
            out += [".TP", "\\fI" + _roff(o.metavar or "ARG") + "\\fR", _roff(o.help)]
        for o in node.options:
            flags = ", ".join(o.flags)
            value = f" {o.metavar}" if o.metavar and o.takes_value else ""
            if o.choices:
                value = " {" + ",".join(o.choices) + "}"
            out += [".TP", "\\fB" + _roff(flags) + "\\fR" + _roff(value), _roff(o.help)]
    for title, text in (sections or {}).items():
        out += [f".SH {title.upper()}"] + [_roff(p) + "\n.PP" for p in text.strip().split("\n\n")]
    return "\n".join(out) + "\n"
