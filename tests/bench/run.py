#!/usr/bin/env python3
"""zhfix benchmark: throughput, peak memory and start-up, side by side.

Usage: python3 tests/bench/run.py ZHFIX [options]

ZHFIX is the zhfix binary or the build directory holding it. Every tool that
does the same job as a zhfix command runs on the same corpus in the same run,
interleaved (A, B, C, A, B, C, ...) and repeated, and the report gives each
tool's median and its ratio to zhfix, so the ratios hold on a busy machine
even when the absolute numbers do not.

Tools (a row says "not available" and why when one is missing):
  zhfix        the binary given
  opencc       Debian's opencc CLI (convert)
  opencc-js    npm opencc-js, run by opencc_js.cjs with node (convert)
  ftfy         python-ftfy's own CLI from a source checkout, run with
               Debian's python3 and python3-wcwidth (fix); the checkout is
               --ftfy-src, else $FTFY_SRC, else TOOLS_DIR/ftfy-src
  autocorrect  npm autocorrect-node, run by autocorrect.cjs (fix: format,
               check: lint)
npm packages are installed into TOOLS_DIR (--tools-dir, $ZHFIX_BENCH_TOOLS,
default /tmp/zhfix-bench-tools) with `npm install --prefix` when missing.

Corpora (cached in WORK_DIR/corpus, default /tmp/zhfix-bench) come from
tests/corpus/prose.py: real prose from Debian's manpages-zh and fortunes-zh,
paragraphs interleaved with a stride of 16 so that every prefix mixes the
sources, repeated and cut at a line end once the size is reached.
  simplified, traditional, all   as prose.py gives them
  mojibake   `all`, every second line as UTF-8 read as GBK
             (line.encode('utf-8').decode('gbk', errors='replace'))
  clean      `all` without the lines on which `zhfix check` reports
             anything: text with nothing to repair or report
  scraped    `all` with scraping leftovers: ASCII commas for ，, stray `,,`
             and `,。`, zero-width spaces, `&nbsp;` (seeded, deterministic)

Results: a Markdown "## Speed" section on stdout and in WORK_DIR/speed.md,
raw samples in WORK_DIR/results.json; --readme FILE replaces the text between
<!-- speed:begin --> and <!-- speed:end --> in FILE.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PROSE = os.path.join(REPO, 'tests', 'corpus', 'prose.py')

NPM_PACKAGES = ['opencc-js@1.4.2', 'autocorrect-node@2.14.0']
CORPUS_VERSION = 'v2'          # bump when the corpus recipe changes
STRIDE = 16
MB = 1000 * 1000

SIZE_UNITS = {'K': 1000, 'M': MB, 'G': 1000 * MB}


def parse_size(s):
    s = s.strip().upper().rstrip('B')
    if s and s[-1] in SIZE_UNITS:
        return int(float(s[:-1]) * SIZE_UNITS[s[-1]])
    return int(s)


def size_label(n):
    for unit, name in ((1000 * MB, 'GB'), (MB, 'MB'), (1000, 'KB')):
        if n >= unit and n % unit == 0:
            return '%d %s' % (n // unit, name)
    return '%d B' % n


def log(msg):
    sys.stderr.write(msg + '\n')
    sys.stderr.flush()


# ---------------------------------------------------------------- corpora

def prose_lines(kind):
    """Paragraphs from prose.py, interleaved so any prefix mixes sources."""
    out = subprocess.run([sys.executable, PROSE, kind], check=True,
                         stdout=subprocess.PIPE).stdout.decode('utf-8')
    lines = out.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    return [ln for k in range(STRIDE) for ln in lines[k::STRIDE]]


def mojibake(lines):
    return [ln.encode('utf-8').decode('gbk', errors='replace') if i % 2 == 0
            else ln for i, ln in enumerate(lines)]


def scraped(lines):
    rng = random.Random(6)

    def comma(_m):
        r = rng.random()
        return ',' if r < 0.3 else ',,' if r < 0.4 else '，'

    def stop(_m):
        return ',。' if rng.random() < 0.05 else '。'

    out = []
    for ln in lines:
        ln = re.sub('，', comma, ln)
        ln = re.sub('。', stop, ln)
        if ln and rng.random() < 0.1:
            i = rng.randrange(len(ln))
            ln = ln[:i] + '\u200b' + ln[i:]
        if ln and rng.random() < 0.05:
            i = rng.randrange(len(ln))
            ln = ln[:i] + '&nbsp;' + ln[i:]
        if rng.random() < 0.05:
            ln += ',,'
        out.append(ln)
    return out


def clean(lines, zhfix):
    """The lines on which zhfix check (default rules) reports nothing."""
    text = ''.join(ln + '\n' for ln in lines).encode('utf-8')
    out = subprocess.run([zhfix, 'check', '--format', 'json', '-'],
                         input=text, stdout=subprocess.PIPE).stdout
    flagged = {json.loads(r)['line'] for r in out.decode('utf-8').splitlines()
               if r.strip()}
    return [ln for i, ln in enumerate(lines, 1) if i not in flagged]


class Corpora:
    """Base lines per corpus, and files of a given size built from them."""

    def __init__(self, work, zhfix=None):
        self.zhfix = zhfix
        self.dir = os.path.join(work, 'corpus')
        os.makedirs(self.dir, exist_ok=True)
        self._lines = {}

    def lines(self, name):
        if name not in self._lines:
            if name == 'mojibake':
                self._lines[name] = mojibake(self.lines('all'))
            elif name == 'scraped':
                self._lines[name] = scraped(self.lines('all'))
            elif name == 'clean':
                self._lines[name] = clean(self.lines('all'), self.zhfix)
            else:
                self._lines[name] = prose_lines(name)
        return self._lines[name]

    def file(self, name, size):
        tag = CORPUS_VERSION
        if name == 'clean':
            # It depends on the zhfix that judged it: one file per build.
            with open(self.zhfix, 'rb') as f:
                tag += '-' + hashlib.sha256(f.read()).hexdigest()[:12]
        path = os.path.join(self.dir, '%s-%s-%d.txt' % (name, tag, size))
        if os.path.exists(path):
            return path
        log('corpus: writing %s (%s)' % (os.path.basename(path), size_label(size)))
        enc = [(ln + '\n').encode('utf-8') for ln in self.lines(name)]
        block = b''.join(enc)
        total = 0
        tmp = path + '.tmp'
        with open(tmp, 'wb') as f:
            while total + len(block) < size:
                f.write(block)
                total += len(block)
            for b in enc:
                if total >= size:
                    break
                f.write(b)
                total += len(b)
        os.replace(tmp, path)
        return path

    def tiny(self, name):
        """A one-line input for start-up: the first line of 20 to 200 bytes."""
        path = os.path.join(self.dir, '%s-%s-line.txt' % (name, CORPUS_VERSION))
        if not os.path.exists(path):
            for ln in self.lines(name):
                if 20 <= len(ln.encode('utf-8')) <= 200 and ln != ln.encode().decode('ascii', 'ignore'):
                    break
            with open(path, 'w', encoding='utf-8') as f:
                f.write(ln + '\n')
        return path

    def precommit(self, count=20):
        """Small Markdown and text files, as a pre-commit hook sees them."""
        d = os.path.join(self.dir, 'precommit-' + CORPUS_VERSION)
        files = [os.path.join(d, 'doc%02d.%s' % (i, 'md' if i % 2 == 0 else 'txt'))
                 for i in range(count)]
        if all(os.path.exists(p) for p in files):
            return files
        os.makedirs(d, exist_ok=True)
        src = iter(self.lines('scraped'))
        rng = random.Random(20)
        for i, p in enumerate(files):
            want = rng.randrange(2000, 6000)
            parts, n = [], 0
            if p.endswith('.md'):
                parts.append('# 文档 %d\n\n' % i)
            while n < want:
                ln = next(src)
                if len(ln.encode()) > 1500:
                    continue
                if p.endswith('.md') and rng.random() < 0.2:
                    ln = '- ' + ln
                if p.endswith('.md') and rng.random() < 0.05:
                    ln = '```sh\nzhfix check --format json docs/*.md\n```'
                parts.append(ln + '\n\n')
                n += len(ln.encode()) + 2
            with open(p, 'w', encoding='utf-8') as f:
                f.write(''.join(parts))
        return files


# ---------------------------------------------------------------- tools

class Tool:
    def __init__(self, name, version=None, reason=None):
        self.name = name
        self.version = version
        self.reason = reason        # why it is not available, or None

    @property
    def ok(self):
        return self.reason is None


def find_zhfix(arg):
    path = os.path.join(arg, 'zhfix') if os.path.isdir(arg) else arg
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        sys.exit('run.py: %s: not an executable zhfix' % path)
    v = subprocess.run([path, '--version'], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT).stdout.decode().strip()
    return path, Tool('zhfix', (v.splitlines() or ['?'])[0])


def find_opencc():
    exe = shutil.which('opencc')
    if not exe:
        return None, Tool('opencc', reason='`opencc` not found (apt-get install opencc)')
    v = subprocess.run(['dpkg-query', '-W', '-f', '${Version}', 'opencc'],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    if v:
        return exe, Tool('opencc', 'Debian opencc ' + v)
    v = subprocess.run([exe, '--version'], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT).stdout.decode()
    m = re.search(r'\d+\.\d+\.\d+', v)
    return exe, Tool('opencc', 'opencc ' + (m.group(0) if m else '?'))


def npm_version(tools_dir, pkg):
    try:
        with open(os.path.join(tools_dir, 'node_modules', pkg, 'package.json')) as f:
            return json.load(f)['version']
    except (OSError, ValueError, KeyError):
        return None


def find_node_tools(tools_dir, install):
    node = shutil.which('node')
    names = {'opencc-js': 'opencc-js', 'autocorrect': 'autocorrect-node'}
    if not node:
        return None, {k: Tool(k, reason='`node` not found (apt-get install nodejs npm)')
                      for k in names}
    missing = [p for p in NPM_PACKAGES if not npm_version(tools_dir, p.rsplit('@', 1)[0])]
    err = None
    if missing and install:
        npm = shutil.which('npm')
        if not npm:
            err = '`npm` not found (apt-get install npm)'
        else:
            log('npm install --prefix %s %s' % (tools_dir, ' '.join(missing)))
            os.makedirs(tools_dir, exist_ok=True)
            r = subprocess.run([npm, 'install', '--no-audit', '--no-fund', '--prefix',
                                tools_dir] + missing, stdout=sys.stderr, stderr=sys.stderr)
            if r.returncode:
                err = 'npm install failed (exit %d)' % r.returncode
    out = {}
    for key, pkg in names.items():
        v = npm_version(tools_dir, pkg)
        if v:
            out[key] = Tool(key, '%s %s (node %s)' % (pkg, v, subprocess.run(
                [node, '--version'], stdout=subprocess.PIPE).stdout.decode().strip()))
        else:
            out[key] = Tool(key, reason=err or 'npm package %s not installed in %s' % (pkg, tools_dir))
    return node, out


def find_ftfy(src, python):
    if not src:
        return Tool('ftfy', reason='no ftfy source: set FTFY_SRC to a checkout of '
                    'github.com/rspeer/python-ftfy')
    if not os.path.exists(os.path.join(src, 'ftfy', 'cli.py')):
        return Tool('ftfy', reason='%s: not a python-ftfy checkout' % src)
    env = dict(os.environ, PYTHONPATH=src)
    r = subprocess.run([python, '-c', 'import ftfy, wcwidth, sys; '
                        'sys.stdout.write(ftfy.__version__)'],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode:
        return Tool('ftfy', reason='%s cannot import ftfy from %s: %s' % (
            python, src, r.stderr.decode().strip().splitlines()[-1]))
    rev = ''
    g = subprocess.run(['git', '-C', src, 'rev-parse', '--short', 'HEAD'],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if g.returncode == 0:
        rev = ' @' + g.stdout.decode().strip()
    pyv = subprocess.run([python, '--version'], stdout=subprocess.PIPE).stdout.decode().strip()
    return Tool('ftfy', 'ftfy %s%s (%s)' % (r.stdout.decode(), rev, pyv))


# ---------------------------------------------------------------- jobs

def build_jobs(zhfix, opencc, node, ftfy_src, ftfy_python, tools_dir):
    """Each job: name, corpus, what it measures, and tool -> (argv(in, out), exit codes)."""
    def z(*args):
        return lambda i, o: ([zhfix] + list(args) + [i], o)

    def occ(cfg):
        return lambda i, o: ([opencc, '-c', cfg + '.json', '-i', i, '-o', o], None)

    def ojs(frm, to):
        return lambda i, o: ([node, os.path.join(HERE, 'opencc_js.cjs'), tools_dir,
                              frm, to, i, o], None)

    def ac(mode):
        return lambda i, o: ([node, os.path.join(HERE, 'autocorrect.cjs'), tools_dir,
                              mode, o, i], None)

    def ft():
        return lambda i, o: ([ftfy_python, '-m', 'ftfy.cli', i, '-o', o], None)

    jobs = [
        ('convert s2t', 'simplified', 'convert', [
            ('zhfix', z('convert', '--to', 'traditional'), {0}),
            ('opencc', occ('s2t'), {0}),
            ('opencc-js', ojs('cn', 't'), {0})]),
        ('convert t2s', 'traditional', 'convert', [
            ('zhfix', z('convert', '--to', 'simplified'), {0}),
            ('opencc', occ('t2s'), {0}),
            ('opencc-js', ojs('t', 'cn'), {0})]),
        ('convert s2twp', 'simplified', 'convert', [
            ('zhfix', z('convert', '--to', 'taiwan-phrases'), {0}),
            ('opencc', occ('s2twp'), {0}),
            ('opencc-js', ojs('cn', 'twp'), {0})]),
        ('fix', 'all', 'fix', [
            ('zhfix', z('fix'), {0}),
            ('ftfy', ft(), {0}),
            ('autocorrect', ac('format'), {0})]),
        ('fix', 'clean', 'fix', [
            ('zhfix', z('fix'), {0}),
            ('ftfy', ft(), {0}),
            ('autocorrect', ac('format'), {0})]),
        ('fix', 'mojibake', 'fix', [
            ('zhfix', z('fix'), {0}),
            ('ftfy', ft(), {0})]),
        ('fix', 'scraped', 'fix', [
            ('zhfix', z('fix'), {0}),
            ('ftfy', ft(), {0}),
            ('autocorrect', ac('format'), {0})]),
        ('check', 'all', 'check', [
            ('zhfix', z('check'), {0, 1}),
            ('autocorrect', ac('lint'), {0, 1})]),
        ('check', 'clean', 'check', [
            ('zhfix', z('check'), {0, 1}),
            ('autocorrect', ac('lint'), {0, 1})]),
        ('check', 'scraped', 'check', [
            ('zhfix', z('check'), {0, 1}),
            ('autocorrect', ac('lint'), {0, 1})]),
    ]
    return jobs


# ---------------------------------------------------------------- running

TIME = '/usr/bin/time'    # GNU time (apt-get install time), for peak RSS


def run_once(argv, out_path, err_path, env=None, timeout=None):
    """Wall seconds, exit status ('timeout' if killed) and CPU seconds
    (user + system, from the child's rusage) of one run.

    posix_spawn and a blocking wait4 keep the cost of spawning near a
    millisecond, whatever this script's own size.
    """
    fa = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
          (os.POSIX_SPAWN_OPEN, 1, out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
          (os.POSIX_SPAWN_OPEN, 2, err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
    fired = []
    t0 = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, env or os.environ, file_actions=fa)
    timer = None
    if timeout:
        def kill():
            fired.append(1)
            os.kill(pid, signal.SIGKILL)
        timer = threading.Timer(timeout, kill)
        timer.start()
    _, status, ru = os.wait4(pid, 0)
    t = time.perf_counter() - t0
    if timer:
        timer.cancel()
    if fired:
        return None, 'timeout', None
    return t, os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime


def peak_rss(argv, out_path, err_path, env=None, timeout=None):
    """(peak RSS in KiB, exit status, wall s, CPU s) of a run under GNU time.

    getrusage of a child spawned from here would not do: Linux carries the
    high-water mark of the memory the child shared with this script before
    exec into the child's ru_maxrss. GNU time is small, so its child's is not.
    """
    if not os.access(TIME, os.X_OK):
        return (None,) + run_once(argv, out_path, err_path, env=env, timeout=timeout)[1:]
    rss_path = err_path + '.rss'
    t, rc, cpu = run_once([TIME, '-f', '%M', '-o', rss_path] + argv, out_path, err_path,
                          env=env, timeout=timeout)
    try:
        with open(rss_path) as f:
            return int(f.read().split()[-1]), rc, t, cpu
    except (OSError, ValueError, IndexError):
        return None, rc, t, cpu


def stderr_tail(path):
    try:
        with open(path, 'rb') as f:
            lines = f.read().decode('utf-8', 'replace').strip().splitlines()
        return lines[-1][:160] if lines else ''
    except OSError:
        return ''


class Runner:
    def __init__(self, args, jobs, tools, env_for):
        self.args = args
        self.jobs = jobs
        self.tools = tools
        self.env_for = env_for
        self.outdir = os.path.join(args.work_dir, 'out')
        os.makedirs(self.outdir, exist_ok=True)

    def out_path(self, job_id, tool, ext='out'):
        safe = re.sub(r'[^A-Za-z0-9]+', '-', job_id)
        return os.path.join(self.outdir, '%s.%s.%s' % (safe, tool, ext))

    def measure(self, job_id, entries, inp, reps, warmup=0, rss=False, timeout=None):
        """Interleaved runs: for each repetition, every tool once, in order.

        The warm-up rounds are not timed. rss='warmup' runs them under GNU
        time for each tool's peak RSS; rss='timed' runs the timed ones under
        it instead (no warm-up needed: for large inputs GNU time's own
        millisecond is noise, and a round of slow tools costs many minutes). Returns ({tool: [(wall s, CPU s)]}, {tool: KiB},
        {tool: why it failed}).
        """
        samples = {name: [] for name, _, _ in entries}
        rss_kib = {}
        failed = {}
        for rep in range(-warmup, reps):
            for name, cmd, codes in entries:
                if name in failed:
                    continue
                out = self.out_path(job_id, name)
                err = self.out_path(job_id, name, 'err')
                argv, _ = cmd(inp, out)
                if (rep < 0 and rss == 'warmup') or (rep >= 0 and rss == 'timed'):
                    kib, rc, t, cpu = peak_rss(argv, out, err, env=self.env_for(name),
                                               timeout=timeout)
                    if kib is not None:
                        rss_kib[name] = max(kib, rss_kib.get(name, 0))
                else:
                    t, rc, cpu = run_once(argv, out, err, env=self.env_for(name), timeout=timeout)
                if rc == 'timeout':
                    failed[name] = 'timed out after %d s' % timeout
                elif rc not in codes:
                    failed[name] = 'failed (exit %d: %s)' % (rc, stderr_tail(err))
                elif rep >= 0:
                    samples[name].append((t, cpu))
                if name in failed:
                    log('  %s: %s' % (name, failed[name]))
        return samples, rss_kib, failed


def median(xs):
    return statistics.median(xs) if xs else None


def compare_lines(a_path, b_path):
    """(differing lines, total lines) between two outputs, or None."""
    try:
        with open(a_path, 'rb') as a, open(b_path, 'rb') as b:
            diff = total = 0
            for la, lb in zip(a, b):
                total += 1
                diff += la != lb
            rest = sum(1 for _ in a) + sum(1 for _ in b)
        return diff + rest, total + rest
    except OSError:
        return None


def restored_lines(out_path, corpora):
    """Mojibake lines of the output equal to the original line, and their count."""
    orig = corpora.lines('all')
    moj = corpora.lines('mojibake')
    n = len(orig)
    fixed = broken = 0
    with open(out_path, 'rb') as f:
        for i, raw in enumerate(f):
            k = i % n
            if moj[k] == orig[k]:
                continue
            broken += 1
            fixed += raw.decode('utf-8', 'replace').rstrip('\n') == orig[k]
    return fixed, broken


# ---------------------------------------------------------------- report

def fmt_rate(x):
    return '—' if x is None else ('%.0f' % x if x >= 100 else '%.1f' % x if x >= 10 else '%.2f' % x)


def fmt_ratio(x):
    return '%.1f×' % x if x >= 10 else '%.2f×' % x


def fmt_ms(s):
    return '%.0f ms' % (s * 1000) if s >= 0.1 else '%.1f ms' % (s * 1000)


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for ln in f:
                if ln.startswith('model name'):
                    return ln.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or '?'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split('\n', 2)[2])
    ap.add_argument('zhfix', help='zhfix binary, or the build directory holding it')
    ap.add_argument('--sizes', default='1M,100M',
                    help='corpus sizes, comma-separated (default 1M,100M; K, M, G = 10^3, 10^6, 10^9 bytes)')
    ap.add_argument('--with-1g', action='store_true', help='add the 1 GB corpus (takes long)')
    ap.add_argument('--reps', type=int, default=3, help='timed runs per tool and size (median; default 3)')
    ap.add_argument('--startup-runs', type=int, default=21,
                    help='runs for start-up and the pre-commit scenario (median; default 21)')
    ap.add_argument('--jobs', default='', help='only jobs whose name contains one of these, comma-separated')
    ap.add_argument('--tools', default='', help='only these tools besides zhfix, comma-separated')
    ap.add_argument('--ftfy-src', default=None, help='python-ftfy checkout (default $FTFY_SRC, else TOOLS_DIR/ftfy-src)')
    ap.add_argument('--ftfy-python', default='/usr/bin/python3',
                    help="python for ftfy (default Debian's /usr/bin/python3, with python3-wcwidth)")
    ap.add_argument('--tools-dir', default=os.environ.get('ZHFIX_BENCH_TOOLS', '/tmp/zhfix-bench-tools'),
                    help='npm prefix for opencc-js and autocorrect-node (default $ZHFIX_BENCH_TOOLS or /tmp/zhfix-bench-tools)')
    ap.add_argument('--no-install', action='store_true', help='do not run npm install')
    ap.add_argument('--work-dir', default='/tmp/zhfix-bench', help='corpora, outputs, results (default /tmp/zhfix-bench)')
    ap.add_argument('--timeout', type=int, default=3600, help='seconds before one run is abandoned (default 3600)')
    ap.add_argument('--readme', default=None, help='replace the speed:begin/end block in this file')
    args = ap.parse_args()

    sizes = [parse_size(s) for s in args.sizes.split(',') if s.strip()]
    if args.with_1g and 1000 * MB not in sizes:
        sizes.append(1000 * MB)
    sizes.sort()
    args.work_dir = os.path.abspath(args.work_dir)
    args.tools_dir = os.path.abspath(args.tools_dir)
    os.makedirs(args.work_dir, exist_ok=True)

    zhfix, zt = find_zhfix(args.zhfix)
    opencc, ot = find_opencc()
    node, nts = find_node_tools(args.tools_dir, not args.no_install)
    ftfy_from_env = args.ftfy_src is None and 'FTFY_SRC' in os.environ
    ftfy_src = args.ftfy_src or os.environ.get('FTFY_SRC')
    if not ftfy_src and os.path.isdir(os.path.join(args.tools_dir, 'ftfy-src')):
        ftfy_src = os.path.join(args.tools_dir, 'ftfy-src')
    ftfy_src = os.path.abspath(ftfy_src) if ftfy_src else None
    tools = {'zhfix': zt, 'opencc': ot, 'ftfy': find_ftfy(ftfy_src, args.ftfy_python)}
    tools.update(nts)
    only = {t.strip() for t in args.tools.split(',') if t.strip()}
    for name, t in tools.items():
        if only and name != 'zhfix' and name not in only:
            t.reason = 'left out (--tools)'
        log('tool %-12s %s' % (name, t.version if t.ok else 'NOT AVAILABLE: ' + t.reason))

    def env_for(name):
        if name == 'ftfy':
            return dict(os.environ, PYTHONPATH=ftfy_src)
        return None

    jobs = build_jobs(zhfix, opencc, node, ftfy_src, args.ftfy_python, args.tools_dir)
    job_filter = [j.strip() for j in args.jobs.split(',') if j.strip()]
    if job_filter:
        jobs = [j for j in jobs if any(f in j[0] + ' ' + j[1] for f in job_filter)]
    corpora = Corpora(args.work_dir, zhfix)
    runner = Runner(args, jobs, tools, env_for)
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)

    results = {'sizes': sizes, 'jobs': [], 'tools': {k: {'version': t.version, 'reason': t.reason}
                                                   for k, t in tools.items()}}

    # Start-up: a one-line input, every tool of every job interleaved, and
    # `true` as the floor that spawning from this script costs.
    log('start-up: %d runs per tool' % args.startup_runs)
    startup = {}
    startup_cpu = {}
    for job, corpus, kind, entries in jobs:
        job_id = '%s %s startup' % (job, corpus)
        live = [e for e in entries if tools[e[0]].ok]
        live.append(('true', lambda i, o: (['true'], None), {0}))
        s, _, failed = runner.measure(job_id, live, corpora.tiny(corpus), args.startup_runs,
                                      warmup=2, timeout=args.timeout)
        for name, _, _ in live:
            if s[name]:
                startup[(job, corpus, name)] = median([w for w, _ in s[name]])
                startup_cpu[(job, corpus, name)] = median([c for _, c in s[name]])
        log('  %-14s %-11s %s' % (job, corpus, '  '.join(
            '%s %s' % (n, fmt_ms(startup[(job, corpus, n)])) for n, _, _ in live
            if (job, corpus, n) in startup)))
    floor = median([v for (j, c, n), v in startup.items() if n == 'true'])

    # Pre-commit: `zhfix check` on 20 small files, end to end.
    files = corpora.precommit()
    pc_bytes = sum(os.path.getsize(p) for p in files)
    pre = [('zhfix', lambda i, o: ([zhfix, 'check'] + files, None), {0, 1})]
    if tools['autocorrect'].ok:
        pre.append(('autocorrect', lambda i, o: ([node, os.path.join(HERE, 'autocorrect.cjs'),
                                                   args.tools_dir, 'lint', o] + files, None), {0, 1}))
    log('pre-commit: %d files, %d bytes, %d runs' % (len(files), pc_bytes, args.startup_runs))
    s, _, failed = runner.measure('precommit', pre, files[0], args.startup_runs, warmup=2,
                                  timeout=args.timeout)
    precommit = {n: median([w for w, _ in v]) for n, v in s.items() if v}
    precommit_cpu = {n: median([c for _, c in v]) for n, v in s.items() if v}
    pc_failed = failed
    log('  ' + '  '.join('%s %s' % (n, fmt_ms(t)) for n, t in precommit.items()))

    def report(partial):
        """The Markdown section, written after every job so that a run
        cut short still leaves its results."""
        load_after = os.getloadavg()
        finished = datetime.datetime.now(datetime.timezone.utc)

        big = sizes[-1]
        hdr = ['job', 'input', 'tool'] + ['MB/s, %s' % size_label(s) for s in sizes] + [
            'MB per CPU-s, %s' % size_label(big), 'peak RSS, %s' % size_label(big), 'start-up']
        rows = []
        for job, corpus, kind, entries in jobs:
            for name, _, _ in entries:
                t = tools[name]
                row = [job, corpus, name]
                if not t.ok:
                    rows.append(row + ['not available: ' + t.reason] + [''] * (len(sizes) + 2))
                    continue
                for size in sizes:
                    k = (job, corpus, size, name)
                    z = through.get((job, corpus, size, 'zhfix'))
                    if k in failures:
                        row.append(failures[k])
                    elif k in through:
                        cell = fmt_rate(through[k][1])
                        if z and name != 'zhfix':
                            cell += ' (%s)' % fmt_ratio(through[k][0] / z[0])
                        row.append(cell)
                    else:
                        row.append('—')
                k = (job, corpus, big, name)
                z = through.get((job, corpus, big, 'zhfix'))
                if k in through and through[k][3]:
                    cell = fmt_rate(through[k][4] / MB / through[k][3])
                    if z and z[3] and name != 'zhfix':
                        cell += ' (%s)' % fmt_ratio(through[k][3] / z[3])
                    row.append(cell)
                else:
                    row.append('—')
                row.append('%.0f MiB' % (through[k][2] / 1024) if k in through and through[k][2] else '—')
                st = startup.get((job, corpus, name))
                zst = startup.get((job, corpus, 'zhfix'))
                cell = fmt_ms(st) if st is not None else '—'
                if st is not None and zst and name != 'zhfix':
                    cell += ' (%s)' % fmt_ratio(st / zst)
                row.append(cell)
                rows.append(row)

        def md_table(h, rs):
            out = ['| ' + ' | '.join(h) + ' |', '|' + '|'.join(
                '---:' if i >= 3 else '---' for i in range(len(h))) + '|']
            out += ['| ' + ' | '.join(r) + ' |' for r in rs]
            return '\n'.join(out)

        cmd = 'python3 tests/bench/run.py ' + shlex.join(sys.argv[1:])
        if ftfy_from_env:
            cmd = 'FTFY_SRC=%s %s' % (shlex.quote(os.environ['FTFY_SRC']), cmd)
        cores = os.cpu_count()
        zstart = startup.get(('check', 'all', 'zhfix'))
        lines = [
            '## Speed',
            '',
            'Measured with `tests/bench/run.py` on real Chinese prose (Debian\'s',
            'manpages-zh and fortunes-zh; `all` is both scripts mixed, `mojibake`',
            'has every second line as UTF-8 read as GBK, `scraped` has ASCII and',
            'stray commas, zero-width spaces and `&nbsp;`). Every tool that does the',
            'same job ran on the same file in the same run, interleaved, %d times;' % args.reps,
            'the table gives the median. In parentheses: the tool\'s time divided by',
            'zhfix\'s, so above 1× zhfix is faster. Absolute numbers move with the',
            'machine\'s load; the ratios are what to compare.',
            '',
            md_table(hdr, rows),
            '',
            '- MB/s: input bytes (10^6) per second of wall time, the whole process',
            '  (start-up, reading, writing the result to a file).',
            '- MB per CPU-s: input bytes per second of CPU time (user + system) of',
            '  the process: throughput per core, and steadier than wall time when',
            '  the machine is shared. A tool with several threads (node) can use',
            '  more CPU time than wall time.',
            '- Peak RSS: the process\'s maximum resident set, from GNU time\'s `%M`',
            '  (below 10 MB in an untimed warm-up round, above in the timed runs).',
            '- Start-up: median wall time of %d runs on a one-line input of the same' % args.startup_runs,
            '  job, spawn cost included (spawning `true` costs %s here).' % (fmt_ms(floor) if floor else '?'),
        ]
        if 'zhfix' in precommit:
            pc = '- Pre-commit: `zhfix check` on %d small files (%d Markdown, %d text, %.0f KB in all), ' % (
                len(files), sum(p.endswith('.md') for p in files), sum(p.endswith('.txt') for p in files),
                pc_bytes / 1000)
            pc += 'end to end: median **%s** wall, %s CPU (target: under 30 ms)' % (
                fmt_ms(precommit['zhfix']), fmt_ms(precommit_cpu['zhfix']))
            if 'autocorrect' in precommit:
                pc += '; AutoCorrect lint on the same files: %s (%s)' % (
                    fmt_ms(precommit['autocorrect']), fmt_ratio(precommit['autocorrect'] / precommit['zhfix']))
            lines.append(pc + '.')
        if zstart:
            lines.append('- `zhfix check` start-up: **%s** wall, %s CPU (target: under 5 ms).' % (
                fmt_ms(zstart), fmt_ms(startup_cpu[('check', 'all', 'zhfix')])))
        for n in notes:
            lines.append('- ' + n + '.')
        lines += ['', 'Tools: ' + '; '.join('%s: %s' % (k, t.version if t.ok else 'not available (%s)' % t.reason)
                                          for k, t in tools.items()) + '.',
                  '',
                  'Machine: %s, %d cores, Linux %s; load average %.1f before, %.1f after; %s UTC, %.0f min.' % (
                      cpu_model(), cores, platform.release(), load_before[0], load_after[0],
                      started.strftime('%Y-%m-%d %H:%M'), (finished - started).total_seconds() / 60),
                  '',
                  'Reproduce (from the repository root, after building; add `--with-1g`',
                  'for the 1 GB corpus):',
                  '',
                  '```sh',
                  cmd,
                  '```']
        if partial:
            lines[1:1] = ['', '**Partial results**: written while the run was still going; a',
                          '— marks what was not measured yet.']
        text = '\n'.join(lines) + '\n'
        if not partial:
            sys.stdout.write(text)
        with open(os.path.join(args.work_dir, 'speed.md'), 'w', encoding='utf-8') as f:
            f.write(text)
        results.update({'startup': {' '.join(k): v for k, v in startup.items()},
                        'startup_cpu': {' '.join(k): v for k, v in startup_cpu.items()},
                        'precommit': precommit, 'precommit_cpu': precommit_cpu,
                        'notes': notes, 'command': cmd,
                        'load': [load_before, load_after]})
        with open(os.path.join(args.work_dir, 'results.json'), 'w', encoding='utf-8') as f:
            json.dump(results, f, indent=1, ensure_ascii=False)
        if args.readme:
            with open(args.readme, encoding='utf-8') as f:
                doc = f.read()
            b, e = '<!-- speed:begin -->\n', '<!-- speed:end -->'
            i, j = doc.find(b), doc.find(e)
            if i < 0 or j < i:
                sys.exit('run.py: %s: no %s ... %s block' % (args.readme, b.strip(), e))
            with open(args.readme, 'w', encoding='utf-8') as f:
                f.write(doc[:i + len(b)] + text + doc[j:])
            if not partial:
                log('updated %s' % args.readme)


    # Throughput: per size and job, R interleaved repetitions.
    through = {}
    failures = {}
    notes = []
    for n, msg in pc_failed.items():
        failures[('precommit', '', 0, n)] = msg
    for size in sizes:
        for job, corpus, kind, entries in jobs:
            inp = corpora.file(corpus, size)
            real = os.path.getsize(inp)
            with open(inp, 'rb') as f:          # into the page cache
                while f.read(1 << 24):
                    pass
            live = [e for e in entries if tools[e[0]].ok]
            job_id = '%s %s %d' % (job, corpus, size)
            log('%s: %s on %s (%s), %d runs each' % (size_label(size), job, corpus,
                                                     size_label(real), args.reps))
            small = size < 10 * MB
            s, rss_kib, failed = runner.measure(job_id, live, inp, args.reps,
                                                warmup=1 if small else 0,
                                                rss='warmup' if small else 'timed',
                                                timeout=args.timeout)
            for name, msg in failed.items():
                failures[(job, corpus, size, name)] = msg
            for name, _, _ in live:
                if s[name]:
                    t = median([w for w, _ in s[name]])
                    cpu = median([c for _, c in s[name]])
                    rss = rss_kib.get(name)
                    through[(job, corpus, size, name)] = (t, real / MB / t, rss, cpu, real)
                    log('  %-12s %8.2f MB/s  %8.2f MB/CPU-s  %7.1f MiB  (%s)' % (
                        name, real / MB / t, real / MB / max(cpu, 1e-6), (rss or 0) / 1024,
                        ', '.join('%.3fs/%.3fs' % x for x in s[name])))
            results['jobs'].append({'job': job, 'corpus': corpus, 'size': size, 'bytes': real,
                                    'seconds': s, 'peak_rss_kib': rss_kib,
                                    'failed': failed})
            # What the outputs say, for the largest size only.
            if size == sizes[-1]:
                zout = runner.out_path(job_id, 'zhfix')
                if kind == 'convert' and 'zhfix' in s and s['zhfix']:
                    for name, _, _ in live:
                        if name != 'zhfix' and s[name]:
                            c = compare_lines(runner.out_path(job_id, name), zout)
                            if c and c[0] == 0:
                                notes.append('%s: %s output is byte-identical to zhfix\'s' % (job, name))
                            elif c:
                                notes.append('%s: %s output differs from zhfix\'s in %d of %d lines'
                                             % (job, name, c[0], c[1]))
                if corpus == 'mojibake':
                    for name, _, _ in live:
                        if s[name]:
                            fx, br = restored_lines(runner.out_path(job_id, name), corpora)
                            notes.append('fix mojibake: %s restores %d of %d mojibake lines to the original'
                                         % (name, fx, br))
            report(True)

    report(False)

if __name__ == '__main__':
    main()
