#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Validate a report against a JSON Schema: tests/test_schema.c's validator.

usage: schema_check.py SCHEMA REPORT [--lines]

SCHEMA is a schema file; every *.json schema in its folder is loaded too,
so that "$ref": "report.schema.json#/$defs/x" resolves to the file beside
it (no network).  REPORT is one JSON document, or with --lines JSON Lines
(each line validated alone).  Exit status: 0 valid, 1 invalid (the errors
on standard output, path and message), 2 the check could not run (no
jsonschema module, an unreadable file: never taken as valid).

Works with python3-jsonschema 4.10 (Debian 12, RefResolver) and with
4.18 and later (the referencing registry).
"""
import json
import os
import sys


def load_schemas(folder):
    store = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                s = json.load(f)
            store[s.get("$id") or s.get("id") or name] = s
    return store


def validator_for(schema, store):
    import jsonschema
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    try:
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (uri, Resource.from_contents(s, default_specification=_spec(s)))
            for uri, s in store.items())
        return cls(schema, registry=registry)
    except ImportError:
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return cls(schema, resolver=resolver)


def _spec(s):
    from referencing import jsonschema as rj
    return rj.specification_with(s.get("$schema", "https://json-schema.org/draft/2020-12/schema"))


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    schema_path, report_path = argv[1], argv[2]
    lines = "--lines" in argv[3:]
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        print("schema_check: the jsonschema module is missing (python3-jsonschema)")
        return 2
    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        store = load_schemas(os.path.dirname(os.path.abspath(schema_path)))
        v = validator_for(schema, store)
        with open(report_path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, ValueError) as e:
        print("schema_check: %s" % e)
        return 2
    docs = []
    try:
        if lines:
            for n, line in enumerate(text.split("\n"), 1):
                if line:
                    docs.append(("line %d" % n, json.loads(line)))
            if not text.endswith("\n"):
                print("line %d: no final newline" % text.count("\n"))
                return 1
        else:
            docs.append(("document", json.loads(text)))
    except ValueError as e:
        print("not JSON: %s" % e)
        return 1
    bad = 0
    for where, doc in docs:
        for e in sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            bad += 1
            if bad <= 20:
                path = "/".join(str(p) for p in e.absolute_path)
                print("%s: /%s: %s" % (where, path, e.message[:300]))
    if bad:
        print("%d error(s)" % bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
