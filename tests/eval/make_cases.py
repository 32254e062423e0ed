#!/usr/bin/env python3
"""Write the corrupted inputs of the mojibake test rows and fixtures.

The clean sentences are our own; each is corrupted with Python's codecs
(independent of zhfix's tables) by the chain its name says. Prints C rows
for tests/test_mojibake.c with --rows; writes fixtures/mojibake/ with
--fixtures DIR. Standard library only.
"""
import codecs
import os
import re
import sys


def sloppy(e):
    return chr(e.object[e.start]), e.start + 1


codecs.register_error('sloppy', sloppy)


def no_pua(t):
    return ''.join(c for c in t if not 0xE000 <= ord(c) <= 0xF8FF)


CHAINS = {
    'utf8-gb18030': lambda t: t.encode().decode('gb18030'),
    'utf8-gb18030-pua-stripped': lambda t: no_pua(t.encode().decode('gb18030', 'replace')),
    'utf8-gb18030-lost-question': lambda t: t.encode().decode('gb18030', 'replace').replace('\ufffd', '?'),
    'utf8-gbk-replace': lambda t: t.encode().decode('gbk', 'replace'),
    'utf8-cp1252': lambda t: t.encode().decode('cp1252', 'sloppy'),
    'utf8-latin1': lambda t: t.encode().decode('latin-1'),
    'utf8-cp1252-nbsp-space': lambda t: t.encode().decode('cp1252', 'sloppy').replace('\xa0', ' '),
    'gbk-cp1252': lambda t: t.encode('gbk').decode('cp1252', 'sloppy'),
    'utf8-cp1252-cp1252': lambda t: t.encode().decode('cp1252', 'sloppy').encode().decode('cp1252', 'sloppy'),
    'utf8-macroman': lambda t: t.encode().decode('mac_roman'),
    'utf8-cp1251': lambda t: t.encode().decode('cp1251'),
    'utf8-cp437': lambda t: t.encode().decode('cp437'),
    'gbk-big5': lambda t: t.encode('gbk').decode('cp950'),
    'utf8-cp950-replace': lambda t: t.encode().decode('cp950', 'replace'),
    'big5-gbk': lambda t: t.encode('cp950').decode('gb18030'),
    'utf8-cp1251-nbsp-space': lambda t: t.encode().decode('cp1251').replace('\xa0', ' '),
    'utf8-cp1251-nbsp-coalesced': lambda t: t.encode().decode('cp1251').replace('\xa0 ', ' '),
    'utf8-cp1252-nbsp-coalesced': lambda t: t.encode().decode('cp1252', 'sloppy').replace('\xa0 ', ' '),
    'utf8-macroman-macroman': lambda t: t.encode().decode('mac_roman').encode().decode('mac_roman'),
    'utf8-gb18030-cp1252': lambda t: t.encode().decode('gb18030', 'replace').encode().decode('cp1252', 'sloppy'),
    'utf8-gb18030-gb18030': lambda t: t.encode().decode('gb18030', 'replace').encode().decode('gb18030', 'replace'),
}

ROWS = [
    ('中文', 'utf8-gb18030'),
    ('文件', 'utf8-gb18030'),
    ('中文', 'utf8-gb18030-pua-stripped'),
    ('发送成功', 'utf8-gb18030-lost-question'),
    ('请稍后再试一次。', 'utf8-gbk-replace'),
    ('中文', 'utf8-cp1252'),
    ('下载完成，请检查文件。', 'utf8-cp1252'),
    ('这份报告说明了数据的来源。', 'utf8-latin1'),
    ('資料的來源與處理方法', 'utf8-cp1252'),
    ('我们明天上午九点开会', 'gbk-cp1252'),
    ('编码转换失败', 'utf8-cp1252-cp1252'),
    ('日志文件已经保存', 'utf8-macroman'),
    ('用户名或密码错误', 'utf8-cp1251'),
    ('你好，世界', 'utf8-cp1252-nbsp-space'),
    ('Nicolás', 'utf8-cp1252'),
    ('doesn’t', 'utf8-cp1252-cp1252'),
    ('Čeština', 'utf8-cp1252'),
    ('Москва', 'utf8-cp1252'),
    ('我们明天上午九点开会', 'gbk-big5'),
    ('请把文件保存到桌面。', 'gbk-big5'),
    ('這份報告說明了資料的來源。', 'big5-gbk'),
    ('使用者名稱或密碼錯誤', 'big5-gbk'),
    ('文件已保存', 'utf8-cp950-replace'),
    ('系统设置', 'utf8-cp950-replace'),
    ('多出机心。 --《菜根谭》', 'utf8-gb18030-lost-question'),
    ('was 1\u03362\u03363\u0336 now 49', 'utf8-cp1252'),
    ('Nous allons à Paris demain, près de la gare du Nord.', 'utf8-cp1251-nbsp-space'),
    ('Nous allons à Paris demain, près de la gare du Nord.', 'utf8-cp1251-nbsp-coalesced'),
    ('Il habite à l’ouest de la ville, près du marché.', 'utf8-cp1251-nbsp-coalesced'),
    ('Il habite à l’ouest de la ville, près du marché.', 'utf8-cp1252-nbsp-coalesced'),
    ('每行 12 个字符', 'utf8-macroman-macroman'),
    ('服务器返回的 Accept-Encoding 头不正确，请检查配置。', 'utf8-cp1252'),
    ('中文字符', 'utf8-gb18030-cp1252'),
    ('可以使用命令查看文件', 'utf8-gb18030-cp1252'),
    ('文件系统默认配置', 'utf8-gb18030-gb18030'),
    ('保存设置启动服务', 'utf8-gb18030-gb18030'),
]

FIXTURES = {
    'notice': '系统将于今晚十点进行维护，届时网站暂停访问。\n'
              '请提前保存您的文件，给您带来的不便，敬请谅解。\n'
              '维护期间如有问题，请发送邮件至 support@example.com 联系我们。\n',
    'report': '這份報告說明了資料的來源與處理方法。\n'
              '所有數字都經過兩次核對，誤差小於百分之一。\n',
}
FIXTURE_CHAINS = ['utf8-gb18030-lost-question', 'utf8-gb18030-pua-stripped',
                  'utf8-gbk-replace', 'utf8-cp1252', 'gbk-cp1252',
                  'utf8-cp1252-cp1252', 'utf8-cp437', 'gbk-big5', 'big5-gbk']


def c_literal(s):
    out = ''
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out += '\\' + ch
        elif o < 0x20 or 0x7F <= o < 0xA0:
            out += '\\x%02x' % o if o < 0x80 else ''.join('\\x%02x' % b for b in ch.encode())
        else:
            out += ch
    # a hex escape must not swallow a following hex digit
    return '"' + re.sub(r'(\\x[0-9a-f]{2})(?=[0-9a-fA-F])', r'\1" "', out) + '"'


def main():
    if '--rows' in sys.argv:
        for clean, chain in ROWS:
            print('    {%s, %s}, /* %s */' % (c_literal(CHAINS[chain](clean)),
                                           c_literal(clean), chain))
    if '--fixtures' in sys.argv:
        d = sys.argv[sys.argv.index('--fixtures') + 1]
        for name, text in FIXTURES.items():
            for chain in FIXTURE_CHAINS:
                try:
                    bad = '\n'.join(CHAINS[chain](line) for line in text.split('\n'))
                except UnicodeError:
                    continue
                base = os.path.join(d, '%s.%s' % (name, chain))
                open(base + '.in', 'wb').write(bad.encode('utf-8'))
                open(base + '.expected', 'wb').write(text.encode('utf-8'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
