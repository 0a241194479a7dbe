#!/usr/bin/env python3
"""Check the checkpoints of a mallaudit checklist and print them.

    python3 scripts/check-checkpoints.py [CHECKLIST.xml] [--docs FILE.md | --no-docs]

    CHECKLIST.xml defaults to checklists/mall-digital-service.xml; with the default checklist, --docs defaults to
    docs/checkpoints.md.

What it checks (the rules checklists/checklist.xsd cannot express, and the ones it can, so that the script stands
on its own; docs/checkpoints.md explains them):

- the file is well-formed XML without a DOCTYPE (refused: no DTD, no entity declarations, nothing fetched);
- statement ids are unique; a statement's <text><zh> occurs in its clause's <text><zh>;
- a statement has no checkpoint or at least two, and its <checkpoint> elements come after everything else;
- a checkpoint id is camelCase ASCII [a-z][A-Za-z0-9]{1,39}, unique within its statement;
- a checkpoint's <quote> is not empty and occurs verbatim in its statement's <text><zh>, and so in its clause's;
- a checkpoint has <text> with a non-empty <zh> and <en>;
- methods (statement and checkpoint) are from probe, data, inspection, document, interview, without repeats, and a
  checkpoint's methods are a subset of its statement's;
- scope is everyArea or eachMerchant; on a <statement> only when it has no checkpoints.

With a docs file: every checkpoint of the checklist has a table row there starting `<statement>/<id>`, and every
checkpoint id the file names (`5.1.2-2/realName`, in a table or in prose) exists in the checklist.

It prints one row per statement (statement id, scope, checkpoint ids with their own scope or methods) and the
counts. Every problem is printed as FILE:LINE: message (expected …) on stderr; the exit status is 1 when there is
any problem, 0 otherwise.
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET
from xml.parsers import expat

NS = "urn:mallaudit:checklist:1"
METHODS = ("probe", "data", "inspection", "document", "interview")
SCOPES = ("everyArea", "eachMerchant")
CHECKPOINT_ID = re.compile(r"[a-z][A-Za-z0-9]{1,39}")


def q(name):
    return "{%s}%s" % (NS, name)


class Refused(Exception):
    def __init__(self, line, message, expected):
        super().__init__(message)
        self.line, self.message, self.expected = line, message, expected


def parse(path):
    """Builds an ElementTree with expat, refusing any DOCTYPE; returns (root, {element: line})."""
    builder = ET.TreeBuilder()
    lines = {}
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(*_):
        raise Refused(parser.CurrentLineNumber, "DOCTYPE refused", "a checklist without <!DOCTYPE …>")

    def entity(*_):
        raise Refused(parser.CurrentLineNumber, "entity declaration refused", "a checklist without <!ENTITY …>")

    def start(name, attrs):
        tag = "{" + name if "}" in name else name
        element = builder.start(tag, attrs)
        lines[element] = parser.CurrentLineNumber

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end("{" + name if "}" in name else name)
    parser.CharacterDataHandler = builder.data
    with open(path, "rb") as handle:
        try:
            parser.ParseFile(handle)
        except expat.ExpatError as error:
            raise Refused(error.lineno, "not well-formed XML: " + expat.ErrorString(error.code),
                          "a well-formed XML checklist") from None
    return builder.close(), lines


def zh_text(element):
    """The <text><zh> of a clause, statement or checkpoint, or None."""
    text = element.find(q("text"))
    if text is None:
        return None
    zh = text.find(q("zh"))
    return None if zh is None else (zh.text or "")


def method_list(value):
    return value.split() if value is not None else None


FULL_ID = re.compile(r"(?<![0-9A-Za-z.])([5-8]\.[0-9]{1,2}(?:\.[0-9]{1,2})?(?:-[0-9]{1,2}|\.[a-z]))/([A-Za-z0-9]+)")


def check_docs(docs, checkpoints, problems):
    """Every checkpoint has a table row in the docs file, and every full checkpoint id it names exists."""
    try:
        with open(docs, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        problems.append("%s: cannot read: %s (expected the document listing the checkpoints)"
                        % (docs, error.strerror))
        return
    rows = set()
    for number, line in enumerate(text.splitlines(), 1):
        for match in FULL_ID.finditer(line):
            full = "%s/%s" % match.groups()
            if full not in checkpoints:
                problems.append("%s:%d: names checkpoint %s, which the checklist does not have "
                                "(expected an id from the checklist)" % (docs, number, full))
        row = re.match(r"\|\s*`([^`]+)`\s*\|", line)
        if row:
            rows.add(row.group(1))
    for full in sorted(checkpoints - rows):
        problems.append("%s: checkpoint %s has no table row (expected a row starting | `%s` |)" % (docs, full, full))


def main(argv):
    arguments = argparse.ArgumentParser(
        description=__doc__.strip().splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.strip().splitlines()[1:]))
    arguments.add_argument("checklist", nargs="?")
    arguments.add_argument("--docs", metavar="FILE.md")
    arguments.add_argument("--no-docs", action="store_true")
    options = arguments.parse_args(argv[1:])
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "checklists", "mall-digital-service.xml")
    path = options.checklist or default
    shown = options.checklist or os.path.relpath(default)
    docs = None if options.no_docs else options.docs
    if docs is None and not options.no_docs and options.checklist is None:
        docs = os.path.relpath(os.path.join(here, "..", "docs", "checkpoints.md"))
    problems = []

    def problem(line, message, expected):
        problems.append("%s:%s: %s (expected %s)" % (shown, line, message, expected))

    try:
        root, lines = parse(path)
    except OSError as error:
        print("%s: cannot read: %s" % (shown, error.strerror), file=sys.stderr)
        return 1
    except Refused as refused:
        print("%s:%s: %s (expected %s)" % (shown, refused.line, refused.message, refused.expected), file=sys.stderr)
        return 1
    if root.tag != q("checklist"):
        problem(lines[root], "root element is <%s>" % root.tag, "<checklist xmlns=\"%s\">" % NS)
        print("\n".join(problems), file=sys.stderr)
        return 1

    rows = []
    all_checkpoints = set()
    seen_statements = {}
    clause_count = statement_count = checkpoint_count = split_count = 0
    for clause in root.iter(q("clause")):
        clause_count += 1
        clause_id = clause.get("id", "?")
        clause_zh = zh_text(clause) or ""
        for statement in clause.findall(q("statement")):
            statement_count += 1
            sid = statement.get("id", "?")
            sline = lines[statement]
            if sid in seen_statements:
                problem(sline, "statement id %s repeats line %d" % (sid, seen_statements[sid]), "unique statement ids")
            seen_statements.setdefault(sid, sline)
            statement_zh = zh_text(statement)
            if statement_zh is None or not statement_zh.strip():
                problem(sline, "statement %s has no <text><zh>" % sid, "<text><zh>…</zh><en>…</en></text>")
                statement_zh = ""
            elif statement_zh not in clause_zh:
                problem(sline, "statement %s: its <zh> does not occur in clause %s's text" % (sid, clause_id),
                        "a statement text that is a span of its clause's <text><zh>")
            statement_methods = method_list(statement.get("methods")) or []
            for method in statement_methods:
                if method not in METHODS:
                    problem(sline, "statement %s: method %r is unknown" % (sid, method), ", ".join(METHODS))
            if len(set(statement_methods)) != len(statement_methods):
                problem(sline, "statement %s: methods repeat" % sid, "each method at most once")
            checkpoints = statement.findall(q("checkpoint"))
            statement_scope = statement.get("scope")
            if statement_scope is not None and statement_scope not in SCOPES:
                problem(sline, "statement %s: scope %r is unknown" % (sid, statement_scope), " or ".join(SCOPES))
            if statement_scope is not None and checkpoints:
                problem(sline, "statement %s sets scope but has checkpoints" % sid,
                        "scope on each <checkpoint> of a statement that has checkpoints")
            if len(checkpoints) == 1:
                problem(lines[checkpoints[0]], "statement %s has a single checkpoint" % sid,
                        "no checkpoint (the statement is its own) or at least two")
            children = list(statement)
            first_checkpoint = next((i for i, c in enumerate(children) if c.tag == q("checkpoint")), len(children))
            for child in children[first_checkpoint:]:
                if child.tag != q("checkpoint"):
                    problem(lines[child], "statement %s: <%s> after a <checkpoint>" % (sid, child.tag.split("}")[-1]),
                            "<checkpoint> elements last in <statement>")
            ids = {}
            cells = []
            for checkpoint in checkpoints:
                cline = lines[checkpoint]
                local = checkpoint.get("id", "")
                full = "%s/%s" % (sid, local)
                all_checkpoints.add(full)
                if not CHECKPOINT_ID.fullmatch(local):
                    problem(cline, "checkpoint id %r of %s is not camelCase ASCII" % (local, sid),
                            "an id matching [a-z][A-Za-z0-9]{1,39}, e.g. realName")
                if local in ids:
                    problem(cline, "checkpoint %s repeats line %d" % (full, ids[local]), "ids unique in a statement")
                ids.setdefault(local, cline)
                quote = checkpoint.find(q("quote"))
                quote_text = None if quote is None else (quote.text or "")
                if quote_text is None or not quote_text.strip():
                    problem(cline, "checkpoint %s has no <quote>" % full,
                            "<quote> with the standard's words this checkpoint stands for")
                else:
                    if quote_text not in statement_zh:
                        problem(lines[quote], "checkpoint %s: quote %r does not occur in statement %s's <zh>"
                                % (full, quote_text, sid), "the exact words, copied from the statement's text")
                    if quote_text not in clause_zh:
                        problem(lines[quote], "checkpoint %s: quote %r does not occur in clause %s's text"
                                % (full, quote_text, clause_id), "the exact words, copied from the clause's text")
                text = checkpoint.find(q("text"))
                for lang in ("zh", "en"):
                    part = None if text is None else text.find(q(lang))
                    if part is None or not (part.text or "").strip():
                        problem(cline, "checkpoint %s has no <text><%s>" % (full, lang),
                                "<text><zh>…</zh><en>…</en></text>")
                methods = method_list(checkpoint.get("methods"))
                if methods is not None:
                    if not methods:
                        problem(cline, "checkpoint %s: methods is empty" % full, "one or more of " + ", ".join(METHODS))
                    if len(set(methods)) != len(methods):
                        problem(cline, "checkpoint %s: methods repeat" % full, "each method at most once")
                    extra = [m for m in methods if m not in statement_methods]
                    if extra:
                        problem(cline, "checkpoint %s: methods %s are not the statement's (%s)"
                                % (full, " ".join(extra), " ".join(statement_methods)),
                                "a subset of the statement's methods")
                scope = checkpoint.get("scope")
                if scope is not None and scope not in SCOPES:
                    problem(cline, "checkpoint %s: scope %r is unknown" % (full, scope), " or ".join(SCOPES))
                note = [x for x in (scope, " ".join(methods) if methods else None) if x]
                cells.append(local + (" [%s]" % "; ".join(note) if note else ""))
            checkpoint_count += len(checkpoints)
            split_count += 1 if checkpoints else 0
            rows.append((sid, statement_scope or "", ", ".join(cells) if cells else "—"))

    if docs is not None:
        check_docs(docs, all_checkpoints, problems)

    width = max(len(r[0]) for r in rows) if rows else 9
    scope_width = max([len("scope")] + [len(r[1]) for r in rows])
    print("%-*s  %-*s  %s" % (width, "statement", scope_width, "scope", "checkpoints [scope; methods if narrower]"))
    for sid, scope, cells in rows:
        print("%-*s  %-*s  %s" % (width, sid, scope_width, scope, cells))
    print("%d clauses, %d statements, %d split into %d checkpoints, %d whole"
          % (clause_count, statement_count, split_count, checkpoint_count, statement_count - split_count))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print("%d problem(s)" % len(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
