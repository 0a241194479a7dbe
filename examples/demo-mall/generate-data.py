#!/usr/bin/env python3
"""Regenerates the demo mall's data exports (committed; run only to change them).

As-of date of the demo audit: 2026-11-20. Each export carries one realistic problem or boundary:
- wifi-logs: 90 days of portal/audit logs (2026-08-23 .. 2026-11-20, the controller's local clock: year-less
  RFC 3164 stamps in odd months, ISO stamps in even months), daily rotation, older files gzipped; the rotation
  job failed on 2026-10-05 (no file), so the unbroken run of logged days is 2026-10-06 .. 2026-11-20 (46 days
  with records): retention = 2026-11-20 - 2026-10-06 = 45 days, not more than 60 -> 5.1.2-3 fails. The last
  file ends with one undatable line (a controller restart before its clock was set).
- survey.csv: 240 respondents, UTF-8 with BOM (Excel), 205 satisfied/basically satisfied, 3 blank
  answers kept in the denominator -> 85.4 % -> 8.2.1-3 passes.
- complaints.csv: 12 complaints; one received on 2026-09-30 (eve of National Day) answered on
  2026-10-10 (an adjusted working Saturday, within 5 working days); one received 2026-11-02
  answered 2026-11-10 (late); one unanswered, received 2026-11-18 (not yet due).
- payments.csv: 8 merchants; one has no e-CNY; one merchant's name is an HTML injection attempt.
- catalog-online.csv / catalog-offline.csv: 6 SKUs, consistent.
"""
import datetime as dt
import gzip
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "exports")
AS_OF = dt.date(2026, 11, 20)
random.seed(20261120)


def wifi_logs():
    out = os.path.join(DATA, "wifi-logs")
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        os.remove(os.path.join(out, name))
    gap = dt.date(2026, 10, 5)
    for back in range(89, -1, -1):
        day = AS_OF - dt.timedelta(days=back)
        if day == gap:
            continue
        lines = []
        for _ in range(24):
            t = dt.datetime.combine(day, dt.time(random.randrange(8, 22), random.randrange(60), random.randrange(60)))
            mac = ":".join(f"{random.randrange(256):02x}" for _ in range(6))
            user = f"138{random.randrange(10**8):08d}"
            kind = random.choice(["auth-ok realname=sms", "url-audit host=www.example.cn", "keyword-filter hit=0"])
            if day.month % 2:  # older exports use the controller's RFC 3164 syslog stamp
                stamp = t.strftime("%b %e %H:%M:%S")
                lines.append(f"{stamp} wlc01 portal[311]: sta={mac} user={user} {kind}")
            else:
                lines.append(f"{t:%Y-%m-%d %H:%M:%S} wlc01 portal sta={mac} user={user} {kind}")
        lines.sort()
        body = ("\n".join(lines) + "\n").encode()
        name = f"portal-{day:%Y%m%d}.log"
        if back > 7:
            with gzip.GzipFile(os.path.join(out, name + ".gz"), "wb", mtime=0) as f:
                f.write(body)
        else:
            with open(os.path.join(out, name), "wb") as f:
                f.write(body)
    with open(os.path.join(out, "portal-20261120.log"), "ab") as f:
        f.write(b"-- MARK -- controller restarted, clock not yet synchronised\n")


def survey():
    answers = ["满意"] * 150 + ["基本满意"] * 55 + ["不满意"] * 32 + [""] * 3
    random.shuffle(answers)
    with open(os.path.join(DATA, "survey.csv"), "w", encoding="utf-8-sig", newline="") as f:
        f.write("respondent,date,satisfaction,comment\r\n")
        for i, a in enumerate(answers, 1):
            comment = random.choice(["", "停车找车方便", '"希望增加充电桩, 谢谢"', "WiFi 连接慢"])
            f.write(f"R{i:04d},2026-11-{random.randrange(1, 19):02d},{a},{comment}\r\n")


def complaints():
    rows = [
        ("C001", "2026-09-30 16:20", "2026-10-10 11:00", "停车缴费失败"),
        ("C002", "2026-10-09 10:05", "2026-10-13 09:30", "会员积分未到账"),
        ("C003", "2026-10-15", "2026-10-20", "店员态度"),
        ("C004", "2026-10-21 19:40", "2026-10-28 17:59", "退货流程"),
        ("C005", "2026-10-26", "2026-10-30", "WiFi 无法认证"),
        ("C006", "2026-11-02 09:00", "2026-11-10 15:00", "电子发票开具失败"),
        ("C007", "2026-11-03", "2026-11-05", "卫生间清洁"),
        ("C008", "2026-11-06 14:00", "2026-11-13 10:00", "导览屏信息错误"),
        ("C009", "2026-11-09", "2026-11-12", "停车券无法使用"),
        ("C010", "2026-11-12 20:30", "2026-11-18 09:00", "商品价格线上线下不一致"),
        ("C011", "2026-11-16", "2026-11-19", "噪音"),
        ("C012", "2026-11-18 13:15", "", "空调温度"),
    ]
    with open(os.path.join(DATA, "complaints.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("id,received,replied,subject\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def payments():
    rows = [
        ("星巴克", 1, 1, 1, 1, 1),
        ("优衣库", 1, 1, 1, 1, 0),
        ("海底捞", 1, 1, 1, 1, 1),
        ("小米之家", 1, 1, 1, 1, 0),
        ("老街面馆", 1, 1, 1, 0, 0),
        ("<script>alert(1)</script>", 1, 1, 1, 1, 0),
        ("周大福", 1, 1, 1, 1, 1),
        ("屈臣氏", 1, 1, 1, 1, 0),
    ]
    with open(os.path.join(DATA, "payments.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("merchant,cash,mobile,bank_card,ecny,face\n")
        for name, *flags in rows:
            yes = ["是" if v else "否" for v in flags]
            f.write(",".join([name] + yes) + "\n")


def catalogs():
    rows = [
        ("SKU-1001", "服装", 24, "199.00"),
        ("SKU-1002", "服装", 3, "399.00"),
        ("SKU-2001", "数码", 11, "1999.00"),
        ("SKU-2002", "数码", 0, "89.90"),
        ("SKU-3001", "美妆", 57, "129.00"),
        ("SKU-4001", "餐饮券", 200, "50.00"),
    ]
    for name in ("catalog-online.csv", "catalog-offline.csv"):
        with open(os.path.join(DATA, name), "w", encoding="utf-8", newline="") as f:
            f.write("sku,category,stock,price\n")
            for r in rows:
                f.write(",".join(str(x) for x in r) + "\n")


if __name__ == "__main__":
    os.makedirs(DATA, exist_ok=True)
    wifi_logs()
    survey()
    complaints()
    payments()
    catalogs()
