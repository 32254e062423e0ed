"""Generate dicts/opencc/*.tsv and src/data_opencc.c: OpenCC's dictionaries
and configs, compiled for zhfix's own conversion engine (src/engine.c).

usage: python3 dicts/gen_opencc.py OUTDIR

Sources: the configs /usr/share/opencc/*.json (Debian package
libopencc-data) and every dictionary they name, /usr/share/opencc/*.ocd2
(libopencc1.1), dumped to text with `opencc_dict -f ocd2 -t text` (package
opencc). All are OpenCC's data, Apache-2.0.

Outputs (under OUTDIR):
  dicts/opencc/NAME.tsv   one per dictionary: key, then its values as
                          OpenCC lists them (space-separated; the first is
                          the one a conversion uses), sorted by key in code
                          point order;
  dicts/opencc/configs.tsv  one row per config: its segmentation dictionary
                          and its conversion chain (steps separated by
                          " | ", the dictionaries of a group by ",");
  src/data_opencc.c       the tables src/engine.h declares.

Table format (src/engine.h describes the lookup): every dictionary is a
byte-wise trie over the UTF-8 of its keys, and all tries share one
double-array (base, check) of zh_oc_node: the child of node n for byte b is
t = base[n] + b, valid when check[t] == n. A node where a key ends has bit
31 of its base set, and zh_oc_node_values[slot] is the key's first value as
(offset << 8 | length) into one byte blob of de-duplicated values (kept
apart so that a walk only touches 8-byte nodes). A free slot has check 0
(slot 0 is never a parent). Each trie is placed breadth-first, so the
nodes of keys' first characters, which every lookup walks, lie together
and stay in cache (measured: 8% faster s2t than depth-first); the array is
padded so that base + 255 is always inside it.

A config is compiled only if every dictionary it uses is an "ocd2" file
(groups may nest; a nested group is flattened, which keeps OpenCC's
DictGroup semantics: the first dictionary with any prefix match wins) and
its segmentation is "mmseg". Anything else stops the generator, so a change
in OpenCC's data cannot silently produce a different converter.
"""

import collections
import glob
import json
import os
import subprocess
import sys
import tempfile

from genlib import out_dir, output_path

DATA_DIR = "/usr/share/opencc"
MAX_GROUP = 4   # dictionaries per group (zh_oc_step.dicts)
MAX_STEPS = 4   # conversion steps per config (zh_oc_config.steps)


def run(args):
    return subprocess.run(args, check=True, capture_output=True,
                          text=True).stdout


def pkg_of(path):
    return run(["dpkg-query", "-S", path]).splitlines()[0].split(":", 1)[0]


def pkg_version(pkg):
    ver = run(["dpkg-query", "-W", "-f=${Version}", pkg]).strip()
    if not ver:
        raise SystemExit("package %s is not installed" % pkg)
    return ver


def source_of(path):
    pkg = pkg_of(path)
    return "%s %s" % (pkg, pkg_version(pkg))


# ---- configs -------------------------------------------------------------

def flatten(node, where):
    """The ocd2 dictionary names (without .ocd2) of a dict node, in order."""
    kind = node.get("type")
    if kind == "group":
        names = []
        for sub in node["dicts"]:
            names += flatten(sub, where)
        return names
    if kind == "ocd2":
        f = node["file"]
        if not f.endswith(".ocd2") or "/" in f:
            raise SystemExit("%s: unsupported dictionary file %r" % (where, f))
        return [f[:-len(".ocd2")]]
    raise SystemExit("%s: unsupported dictionary type %r" % (where, kind))


def load_configs():
    """[(name, seg, [step, ...])] with seg and each step a list of names."""
    configs = []
    for path in sorted(glob.glob(os.path.join(DATA_DIR, "*.json"))):
        name = os.path.basename(path)[:-len(".json")]
        with open(path, encoding="utf-8") as f:
            cfg = json.load(f)
        seg = cfg["segmentation"]
        if seg.get("type") != "mmseg":
            raise SystemExit("%s: unsupported segmentation %r"
                             % (path, seg.get("type")))
        seg_dicts = flatten(seg["dict"], path)
        steps = [flatten(step["dict"], path)
                 for step in cfg["conversion_chain"]]
        if not steps or len(steps) > MAX_STEPS:
            raise SystemExit("%s: %d conversion steps" % (path, len(steps)))
        for group in [seg_dicts] + steps:
            if not group or len(group) > MAX_GROUP:
                raise SystemExit("%s: group of %d dictionaries"
                                 % (path, len(group)))
        configs.append((name, seg_dicts, steps))
    if not configs:
        raise SystemExit("no OpenCC configs in " + DATA_DIR)
    return configs


# ---- dictionaries --------------------------------------------------------

def dump(name, tmp):
    """Sorted [(key, [values])] of DATA_DIR/name.ocd2."""
    src = os.path.join(DATA_DIR, name + ".ocd2")
    out = os.path.join(tmp, name + ".txt")
    subprocess.run(["opencc_dict", "-i", src, "-o", out, "-f", "ocd2",
                    "-t", "text"], check=True, stdout=subprocess.DEVNULL)
    entries = {}
    with open(out, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            key, _, vals = line.partition("\t")
            values = vals.split(" ")
            if not key or not all(values) or "\0" in key:
                raise SystemExit("%s: bad entry %r" % (src, line))
            if key in entries:
                raise SystemExit("%s: duplicate key %r" % (src, key))
            entries[key] = values
    if not entries:
        raise SystemExit("%s: empty dictionary" % src)
    return sorted(entries.items())


def write_tsv(path, name, source, tool, entries):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# %s.tsv: OpenCC dictionary %s, dumped to text.\n"
                % (name, name))
        f.write("# Generated by dicts/gen_opencc.py; do not edit.\n")
        f.write("# Source: OpenCC %s.ocd2 (%s)\n" % (name, source))
        f.write("# Dumped-by: opencc_dict (%s)\n" % tool)
        f.write("# License: Apache-2.0\n")
        f.write("# Columns: key\tvalues (space-separated; a conversion "
                "uses the first)\n")
        for key, values in entries:
            f.write(key + "\t" + " ".join(values) + "\n")


def write_configs_tsv(path, configs, source):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# configs.tsv: OpenCC's conversion configs as zhfix's "
                "engine runs them.\n")
        f.write("# Generated by dicts/gen_opencc.py; do not edit.\n")
        f.write("# Source: OpenCC configs %s/*.json (%s)\n"
                % (DATA_DIR, source))
        f.write("# License: Apache-2.0\n")
        f.write("# Columns: config\tsegmentation (mmseg)\tconversion chain "
                "(steps ' | ', group members ',')\n")
        for name, seg, steps in configs:
            f.write("%s\t%s\t%s\n" % (name, ",".join(seg),
                                      " | ".join(",".join(s) for s in steps)))


# ---- double-array trie ---------------------------------------------------

class Trie:
    """A byte-wise trie: children[n] maps byte -> node, value[n] or None."""

    def __init__(self):
        self.children = [{}]
        self.value = [None]

    def add(self, key, value):
        n = 0
        for b in key:
            nxt = self.children[n].get(b)
            if nxt is None:
                nxt = len(self.children)
                self.children.append({})
                self.value.append(None)
                self.children[n][b] = nxt
            n = nxt
        self.value[n] = value


class DoubleArray:
    """One (base, check, value) array holding many tries."""

    def __init__(self):
        self.size = 1 << 16
        self.used = bytearray(self.size)
        self.used[0] = 1          # slot 0: never a node, so check 0 = free
        self.base = {}
        self.check = {}
        self.value = {}
        self.first_free = 1
        self.top = 1              # one past the highest used slot

    def _grow(self, need):
        while self.size < need:
            self.used.extend(bytearray(self.size))
            self.size *= 2

    def _take(self, slot):
        self.used[slot] = 1
        self.top = max(self.top, slot + 1)

    def _find_base(self, labels):
        """Smallest base >= 0 with base + b free for every label b."""
        self.first_free = self.used.find(0, self.first_free)
        pos = max(self.first_free, labels[0])
        while True:
            self._grow(pos + 512)
            pos = self.used.find(0, pos)
            if pos < 0:             # full up to the end: make room
                self._grow(self.size + 1)
                pos = self.size // 2
                continue
            base = pos - labels[0]
            if all(not self.used[base + b] for b in labels[1:]):
                return base
            pos += 1

    def place(self, trie, pack):
        """Place a trie; returns its root slot. pack(value) -> uint32."""
        self._grow(self.first_free + 512)
        root = self.used.find(0, self.first_free)
        self._take(root)
        self.check[root] = 0xFFFFFFFF   # a root has no parent
        queue = collections.deque([(0, root)])
        while queue:
            node, slot = queue.popleft()
            if trie.value[node] is not None:
                self.value[slot] = pack(trie.value[node])
            kids = trie.children[node]
            if not kids:
                continue
            labels = sorted(kids)
            base = self._find_base(labels)
            self.base[slot] = base
            for b in labels:
                self._take(base + b)
                self.check[base + b] = slot
            for b in labels:
                queue.append((kids[b], base + b))
        return root

    def length(self):
        high = max(self.base.values()) if self.base else 0
        return max(self.top, high + 256)


# ---- C emission ----------------------------------------------------------

def c_string(s):
    out = []
    for b in s.encode("utf-8"):
        if b in (0x22, 0x5C):
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def c_bytes(name, data):
    lines = ["const unsigned char %s[%d] = {" % (name, max(len(data), 1))]
    for i in range(0, len(data), 24):
        lines.append("    " + ",".join(str(b) for b in data[i:i + 24]) + ",")
    if not data:
        lines.append("    0,")
    lines.append("};")
    return "\n".join(lines) + "\n"


def emit_c(path, dict_names, dict_meta, da, blob, configs, versions):
    n = da.length()
    out = []
    out.append("/* Generated by dicts/gen_opencc.py; do not edit.\n"
               " * Data: dicts/opencc/, one .tsv per dictionary (OpenCC %s).\n"
               " * Regenerate with dicts/regen.sh; src/engine.h describes the tables.\n */\n"
               % versions)
    out.append('#include "engine.h"\n\n')
    out.append("const char zh_oc_data_version[] = %s;\n\n"
               % c_string("OpenCC " + versions))
    out.append(c_bytes("zh_oc_values", bytes(blob)))
    out.append("\n/* {base | terminal << 31, check}; %d slots, %d in use. */\n"
               % (n, len(da.check)))
    out.append("const zh_oc_node zh_oc_nodes[%d] = {\n" % n)
    row = []
    for s in range(n):
        b = da.base.get(s, 0) | (0x80000000 if s in da.value else 0)
        c = da.check.get(s, 0)
        row.append("{%du,%du}" % (b, c) if b or c else "{0}")
        if len(row) == 10:
            out.append("    " + ",".join(row) + ",\n")
            row = []
    if row:
        out.append("    " + ",".join(row) + ",\n")
    out.append("};\n")
    out.append("\n/* Value of each terminal slot: offset << 8 | length in "
               "zh_oc_values. */\n")
    out.append("const uint32_t zh_oc_node_values[%d] = {\n" % n)
    row = []
    for s in range(n):
        row.append("%d" % da.value.get(s, 0))
        if len(row) == 16:
            out.append("    " + ",".join(row) + ",\n")
            row = []
    if row:
        out.append("    " + ",".join(row) + ",\n")
    out.append("};\n")
    out.append("const size_t zh_oc_node_count = %d;\n\n" % n)
    out.append("const zh_oc_dict zh_oc_dicts[%d] = {\n" % len(dict_names))
    for name in dict_names:
        m = dict_meta[name]
        first = ",".join("0x%02x" % x for x in m["first"])
        out.append("    {%s, %du, %du, %du, %du,\n     {%s}},\n"
                   % (c_string(name), m["root"], m["nkeys"], m["max_key"],
                      m["ocd2_size"], first))
    out.append("};\n")
    out.append("const size_t zh_oc_dict_count = %d;\n\n" % len(dict_names))
    index = {name: i for i, name in enumerate(dict_names)}

    def step(group):
        return "{%d, {%s}}" % (len(group),
                               ", ".join(str(index[d]) for d in group))

    out.append("const zh_oc_config zh_oc_configs[%d] = {\n" % len(configs))
    for name, seg, steps, json_size in configs:
        out.append("    {%s, %du, %s, %d,\n     {%s}},\n"
                   % (c_string(name), json_size, step(seg), len(steps),
                      ", ".join(step(s) for s in steps)))
    out.append("};\n")
    out.append("const size_t zh_oc_config_count = %d;\n" % len(configs))
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write("".join(out))


def main():
    root = out_dir()
    configs = load_configs()
    dict_names = sorted({d for _, seg, steps in configs
                         for group in [seg] + steps for d in group})
    tool = source_of("/usr/bin/opencc_dict")
    config_source = source_of(os.path.join(DATA_DIR, configs[0][0] + ".json"))
    write_configs_tsv(output_path(root, "dicts/opencc/configs.tsv"),
                      configs, config_source)

    da = DoubleArray()
    blob = bytearray()
    blob_index = {}

    def pack(value):
        raw = value.encode("utf-8")
        if not 0 < len(raw) < 256:
            raise SystemExit("value %r: length %d" % (value, len(raw)))
        off = blob_index.get(raw)
        if off is None:
            off = len(blob)
            blob_index[raw] = off
            blob.extend(raw)
        if off >= 1 << 24:
            raise SystemExit("value blob exceeds 16 MiB")
        return off << 8 | len(raw)

    meta = {}
    dict_sources = set()
    with tempfile.TemporaryDirectory() as tmp:
        for name in dict_names:
            ocd2 = os.path.join(DATA_DIR, name + ".ocd2")
            source = source_of(ocd2)
            dict_sources.add(source)
            entries = dump(name, tmp)
            write_tsv(output_path(root, "dicts/opencc/%s.tsv" % name),
                      name, source, tool, entries)
            trie = Trie()
            first = bytearray(32)
            max_key = 0
            for key, values in entries:
                raw = key.encode("utf-8")
                trie.add(raw, values[0])
                first[raw[0] >> 3] |= 1 << (raw[0] & 7)
                max_key = max(max_key, len(raw))
            meta[name] = {"root": da.place(trie, pack), "nkeys": len(entries),
                          "max_key": max_key, "first": first,
                          "ocd2_size": os.path.getsize(ocd2)}
    versions = "; ".join(sorted(dict_sources | {config_source}))
    full = [(name, seg, steps,
             os.path.getsize(os.path.join(DATA_DIR, name + ".json")))
            for name, seg, steps in configs]
    emit_c(output_path(root, "src/data_opencc.c"), dict_names, meta, da,
           blob, full, versions)


if __name__ == "__main__":
    main()
