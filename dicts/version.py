"""Write src/data_version.c: zh_data_version(), naming every data source.

usage: python3 dicts/version.py OUTDIR

Not a generator of its own data: regen.sh runs it after every gen_*.py,
and it collects the '# Source: ' header lines of OUTDIR/dicts/*.tsv (files
in name order, lines in file order, each distinct line once) and joins
them with '; '. So the version the library reports is always the one its
tables were generated from, and a new table only needs a '# Source: '
line to be named.
"""

import glob
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in dicts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genlib  # noqa: E402


def main():
    root = genlib.out_dir()
    sources = []
    files = sorted(glob.glob(os.path.join(root, "dicts", "*.tsv")))
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.startswith("#"):
                    break
                if line.startswith("# Source: "):
                    text = line[len("# Source: "):].strip()
                    if text not in sources:
                        sources.append(text)
    if not sources:
        raise SystemExit("no '# Source: ' lines in %s/dicts/*.tsv" % root)
    text = "; ".join(sources)
    body = genlib.C_HEADER.format(gen="version.py",
                                  tsv="the '# Source:' lines of every dicts/NAME.tsv")
    body += '#include "data.h"\n\n'
    body += "const char *zh_data_version(void)\n{\n"
    body += "    return " + genlib.c_string(text) + ";\n}\n"
    genlib.write_c(genlib.output_path(root, "src/data_version.c"), body)


if __name__ == "__main__":
    main()
