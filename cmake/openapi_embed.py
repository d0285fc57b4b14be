"""Converts docs/openapi.yaml to JSON for the node to serve.

usage: openapi_embed.py SOURCE.yaml OUT.json OUT.cpp

OUT.json is the document as JSON (for the tests and the reference page);
OUT.cpp defines streamify::gateway::openapi_json() returning the same text.
"""
import json
import sys

import yaml


def main(source, json_out, cpp_out):
    with open(source, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    delimiter = "openapi_json"
    if ")" + delimiter + '"' in text:
        sys.exit("the document contains the raw string delimiter")
    with open(json_out, "w", encoding="utf-8") as f:
        f.write(text)
    with open(cpp_out, "w", encoding="utf-8") as f:
        f.write("// Generated from docs/openapi.yaml by cmake/openapi_embed.py.\n"
                '#include "gateway/openapi_document.hpp"\n\n'
                "namespace streamify::gateway {\n\n"
                "const std::string& openapi_json() {\n"
                f'  static const std::string text = R"{delimiter}({text}){delimiter}";\n'
                "  return text;\n"
                "}\n\n"
                "} // namespace streamify::gateway\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
