"""Drives the bureau's web pages in headless Chromium (Debian's chromium + chromium-driver, through Selenium).

Run by Tests/ServerTests/PagesTests.swift against a real mallaudit-server and PostgreSQL, with a JSON scene file
(argv[1]) naming the server, the accounts and what the scene holds. Each step prints `ok: …`; the first failed
expectation prints `FAILED: …` and exits 1. Screenshots of every page go to the scene's `screenshots` folder.
"""

import json
import os
import sys
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException, StaleElementReferenceException,
                                        UnexpectedAlertPresentException, WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1360,1000", "--lang=zh-CN", "--hide-scrollbars"):
        options.add_argument(argument)
    # Debian's driver, named explicitly: Selenium Manager never runs, nothing is downloaded.
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


class Pages:
    def __init__(self, scene):
        self.scene = scene
        self.base = scene["base"]
        self.shots = scene["screenshots"]
        os.makedirs(self.shots, exist_ok=True)
        self.driver = browser()

    def go(self, path):
        self.driver.get(self.base + path)

    def path(self):
        parsed = urllib.parse.urlparse(self.driver.current_url)
        return parsed.path + (("?" + parsed.query) if parsed.query else "")

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def shot(self, name, full_page=True):
        driver = self.driver
        if full_page:
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(1360, min(max(int(height), 700), 4000))
        driver.save_screenshot(os.path.join(self.shots, name + ".png"))
        driver.set_window_size(1360, 1000)
        print(f"ok: screenshot {name}.png")

    def no_script_ran(self, where):
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.accept()
            raise Failed(f"{where}: a script ran and opened an alert: {text}")
        except NoAlertPresentException:
            pass
        except UnexpectedAlertPresentException as alert:
            raise Failed(f"{where}: a script ran and opened an alert: {alert.alert_text}")
        # The pages carry no script at all; a value printed unescaped would make one.
        scripts = self.driver.execute_script("return document.getElementsByTagName('script').length")
        expect(scripts == 0, f"{where}: {scripts} <script> elements in the page")

    def visit_hostile(self, path, name):
        """Opens `path`, requires that no script ran and that `name` is there as visible text."""
        try:
            self.go(path)
        except UnexpectedAlertPresentException as alert:
            raise Failed(f"{path}: a script ran and opened an alert: {alert.alert_text}")
        self.no_script_ran(path)
        expect(name in self.text(), f"{path} does not show {name!r} as visible text")

    def alert_detector_works(self):
        """The control: a page that does run alert(1) is caught by `no_script_ran`."""
        self.driver.get("data:text/html,<p>control</p><script>alert(1)</script>")
        try:
            self.no_script_ran("the control page")
        except Failed:
            return
        raise Failed("the control page ran alert(1) and no_script_ran did not notice")

    def submit(self, element):
        """Clicks a button or link that loads a new page, and waits until the new page is there."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()

        def replaced(_driver):
            # The old page's root is gone once the new page is there. Chromedriver says so as a stale element, or,
            # when asked while the old document is being torn down, as "Node … does not belong to the document".
            try:
                old.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return True
                raise

        WebDriverWait(self.driver, 15).until(replaced)
        WebDriverWait(self.driver, 15).until(
            lambda driver: driver.execute_script("return document.readyState") == "complete")

    def sign_in(self, name, password):
        self.go("/sign-in")
        self.driver.find_element(By.ID, "name").send_keys(name)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.submit(self.driver.find_element(By.ID, "sign-in"))

    def sign_out(self):
        self.submit(self.driver.find_element(By.ID, "sign-out"))
        expect(self.path().startswith("/sign-in"), f"after sign-out: {self.path()}")


def run(scene):
    pages = Pages(scene)
    driver = pages.driver
    try:
        # Not signed in: every page leads to the sign-in form, and back after it.
        mall_path = "/malls/" + scene["diffMall"]
        pages.go(mall_path)
        expect(pages.path().startswith("/sign-in"), f"unsigned visit to {mall_path} went to {pages.path()}")
        pages.shot("sign-in", full_page=False)
        driver.find_element(By.ID, "password").send_keys("wrong password, surely")
        driver.find_element(By.ID, "name").send_keys(scene["admin"])
        pages.submit(driver.find_element(By.ID, "sign-in"))
        expect("账号或密码错误" in pages.text(), "a wrong password is refused with a message")
        driver.find_element(By.ID, "password").send_keys(scene["password"])
        pages.submit(driver.find_element(By.ID, "sign-in"))
        expect(pages.path() == mall_path, f"after sign-in the browser is back at {mall_path}: {pages.path()}")
        cookies = {c["name"]: c for c in driver.get_cookies()}
        session = cookies.get("mallaudit_session")
        expect(session is not None and session.get("httpOnly") and session.get("sameSite") == "Strict",
               f"the session cookie is HttpOnly and SameSite=Strict: {session}")
        print("ok: sign in (a wrong password refused first)")

        # The overview: every mall counted, the first page of 50 listed, filtered by district.
        pages.go("/overview")
        rows = driver.find_elements(By.CSS_SELECTOR, "tr.mall-row")
        page_size = scene["pageSize"]
        expect(len(rows) == min(page_size, scene["mallCount"]), f"the overview's first page lists {page_size}: {len(rows)}")
        count = driver.find_element(By.ID, "mall-count").text.replace(",", "")
        expect(count == str(scene["mallCount"]), f"the overview counts {scene['mallCount']} malls: {count}")
        showing = driver.find_element(By.CSS_SELECTOR, "p.showing").text
        expect(showing == f"第 1–{page_size} 个，共 {scene['mallCount']:,} 个商场", f"which malls are shown: {showing}")
        expect(driver.find_element(By.ID, "chart-districts").find_elements(By.TAG_NAME, "rect"),
               "the district chart has bars")
        expect(driver.find_element(By.ID, "chart-time").find_elements(By.TAG_NAME, "rect"),
               "the chart over time has columns")
        expect(driver.find_elements(By.CSS_SELECTOR, "#overdue-items tr"), "overdue items are listed")
        pages.no_script_ran("overview")
        pages.shot("overview")
        Select(driver.find_element(By.ID, "filter-district")).select_by_value(scene["filterDistrict"])
        pages.submit(driver.find_element(By.ID, "apply-filters"))
        rows = driver.find_elements(By.CSS_SELECTOR, "tr.mall-row")
        expect(len(rows) == scene["filterDistrictCount"],
               f"{scene['filterDistrictCount']} malls in {scene['filterDistrict']}: {len(rows)}")
        expect("district=" in pages.path(), f"the filter is in the URL: {pages.path()}")
        Select(driver.find_element(By.ID, "filter-verdict")).select_by_value("nonConformant")
        pages.submit(driver.find_element(By.ID, "apply-filters"))
        verdicts = {e.text for e in driver.find_elements(By.CSS_SELECTOR, "tr.mall-row .verdict")}
        expect(verdicts <= {"不符合"}, f"only non-conformant malls after the verdict filter: {verdicts}")
        pages.shot("overview-filtered", full_page=False)
        print("ok: filter the overview (district, then verdict)")

        # Page 2 of a district with more malls than a page holds: the filter and the sort stay in the links.
        pages.go("/overview")
        Select(driver.find_element(By.ID, "filter-district")).select_by_value(scene["pagedDistrict"])
        pages.submit(driver.find_element(By.ID, "apply-filters"))
        first_page = [r.get_attribute("data-code") for r in driver.find_elements(By.CSS_SELECTOR, "tr.mall-row")]
        expect(len(first_page) == page_size, f"page 1 of {scene['pagedDistrict']}: {len(first_page)} malls")
        pages.submit(driver.find_element(By.CSS_SELECTOR, "nav.pager a.next"))
        query = urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)
        expect(query.get("page") == ["2"] and query.get("district") == [scene["pagedDistrict"]],
               f"page 2 keeps the district: {pages.path()}")
        second_page = [r.get_attribute("data-code") for r in driver.find_elements(By.CSS_SELECTOR, "tr.mall-row")]
        expect(len(second_page) == scene["pagedDistrictCount"] - page_size and not set(second_page) & set(first_page),
               f"page 2 holds the rest: {second_page}")
        districts = {e.text for e in driver.find_elements(By.CSS_SELECTOR, "tr.mall-row td:nth-child(2)")}
        expect(districts == {scene["pagedDistrict"]}, f"page 2 is still filtered: {districts}")
        showing = driver.find_element(By.CSS_SELECTOR, "p.showing").text
        expect(f"第 {page_size + 1}–{scene['pagedDistrictCount']} 个" in showing, f"page 2 says which: {showing}")
        pages.shot("overview-page-2", full_page=False)
        pages.submit(driver.find_element(By.CSS_SELECTOR, f"tr[data-code='{second_page[0]}'] a.mall-link"))
        expect(pages.path() == "/malls/" + second_page[0], f"a mall opened from page 2: {pages.path()}")
        print("ok: go to page 2 of a filtered overview and open a mall from it")

        # Sorting by shall failures, descending.
        pages.go("/overview?sort=shallFailures&order=desc")
        numbers = [int(e.text) for e in driver.find_elements(By.CSS_SELECTOR, "tr.mall-row td:nth-child(5)")
                   if e.text.strip().isdigit()]
        expect(numbers == sorted(numbers, reverse=True) and numbers, f"sorted by shall failures: {numbers}")
        print("ok: sort the overview")

        # A mall that names itself <script>: on every page that names the mall, its name is visible text and no
        # script runs (an alert would be caught; the control shows the catch works). The clause list names no mall.
        # (`?lang=en` is kept in a cookie: `?lang=zh` switches back for the steps after.)
        name = scene["xssName"]
        pages.alert_detector_works()
        xss = scene["xssMall"]
        for path in ("/overview", "/overview?district=" + urllib.parse.quote(scene["xssDistrict"]),
                     "/clauses/" + scene["xssClause"], "/malls/" + xss, "/malls/" + xss + "?lang=en",
                     "/malls/" + xss + "?lang=zh",
                     "/malls/" + xss + "/diff", "/runs/" + str(scene["xssRunId"]), "/rectifications",
                     "/rectifications?state=overdue", "/rectifications?state=all"):
            pages.visit_hostile(path, name)
        pages.go("/clauses")
        pages.no_script_ran("/clauses")
        pages.go("/malls/" + xss)
        expect(driver.find_element(By.ID, "mall-name").text == name,
               f"the mall's name shows as text: {driver.find_element(By.ID, 'mall-name').text!r}")
        pages.shot("mall-script-name", full_page=False)
        print("ok: a mall named <script>alert(1)</script> is text on every page")

        # Open a mall from the overview.
        pages.go("/overview")
        pages.submit(driver.find_element(By.CSS_SELECTOR, f"tr[data-code='{scene['diffMall']}'] a.mall-link"))
        expect(pages.path() == "/malls/" + scene["diffMall"], f"the mall's page: {pages.path()}")
        expect(driver.find_element(By.ID, "chart-trend").find_elements(By.TAG_NAME, "circle"), "the trend has runs")
        expect(len(driver.find_elements(By.CSS_SELECTOR, "tr.run-row")) == scene["diffMallRuns"],
               "every run of the mall is listed")
        expect(scene["signer"] in pages.text(), "the signer of the bundles is shown")
        pages.shot("mall")
        print("ok: open a mall")

        # The diff between its two latest runs.
        pages.submit(driver.find_element(By.ID, "diff-go"))
        expect(pages.path().startswith(f"/malls/{scene['diffMall']}/diff?"), f"the diff page: {pages.path()}")
        fixed = driver.find_element(By.ID, "diff-fixed").text
        newly = driver.find_element(By.ID, "diff-newlyFailing").text
        expect(scene["diffFixed"] in fixed, f"{scene['diffFixed']} is fixed: {fixed}")
        expect(scene["diffNewlyFailing"] in newly, f"{scene['diffNewlyFailing']} is newly failing: {newly}")
        pages.shot("diff")
        print("ok: open a diff")

        # Set a due date on a failed shall statement, then close the item by the bureau's confirmation.
        pages.go("/malls/" + scene["diffMall"])
        Select(driver.find_element(By.ID, "due-statement")).select_by_value(scene["dueStatement"])
        due = driver.find_element(By.ID, "due-date")
        driver.execute_script("arguments[0].value = arguments[1]", due, scene["dueDate"])
        pages.submit(driver.find_element(By.ID, "set-due"))
        items = driver.find_element(By.ID, "rectification-items").text
        expect(scene["dueStatement"] in items and scene["dueDate"] in items, f"the item is listed: {items}")
        note = driver.find_element(By.CSS_SELECTOR, "form.confirm-form input[name=note]")
        note.send_keys("现场复查：已整改 <b>ok</b>")
        pages.submit(driver.find_element(By.CSS_SELECTOR, "form.confirm-form button"))
        items = driver.find_element(By.ID, "rectification-items").text
        expect("商务局确认" in items and "现场复查：已整改 <b>ok</b>" in items, f"the item is closed: {items}")
        pages.shot("mall-rectifications")
        print("ok: set and close a rectification")

        # A clause across malls, with the distribution against the threshold.
        pages.go("/clauses")
        pages.shot("clauses")
        pages.submit(driver.find_element(By.LINK_TEXT, "5.1.2"))
        expect(driver.find_elements(By.CSS_SELECTOR, "figure.distribution rect.bucket"), "the distribution has buckets")
        expect(driver.find_elements(By.CSS_SELECTOR, "figure.distribution line.threshold"), "the threshold line")
        figures = {e.find_element(By.TAG_NAME, "dt").text: e.find_element(By.TAG_NAME, "dd").text
                   for e in driver.find_elements(By.CSS_SELECTOR, "dl.figures > div")}
        expect({"最小", "中位数", "最大", "低于阈值", "高于阈值"} <= set(figures), f"the distribution's figures: {figures}")
        section = driver.find_element(By.ID, "s-" + scene["measuredStatement"])
        failing = section.find_elements(By.CSS_SELECTOR, "a.failing-mall")
        expect(0 < len(failing) <= page_size, f"one page of failing malls: {len(failing)}")
        below = int(figures["低于阈值"])
        expect(below >= len(failing), f"{below} below the threshold, {len(failing)} failing listed")
        pages.shot("clause")
        print("ok: a clause across malls (its distribution from SQL buckets)")

        # A run, and the rectification list.
        pages.go("/rectifications?state=all")
        pages.shot("rectifications")
        pages.go("/runs/" + str(scene["runId"]))
        expect(scene["signer"] in pages.text(), "the run page names the signer")
        pages.shot("run")

        # English by switch, kept for the next page.
        pages.go("/overview")
        pages.submit(driver.find_element(By.LINK_TEXT, "English"))
        expect("Malls at a glance" in pages.text(), "the overview in English")
        pages.go("/clauses")
        expect("Clauses across malls" in pages.text(), "English is kept by a cookie")
        pages.shot("overview-en", full_page=False)
        pages.submit(driver.find_element(By.LINK_TEXT, "中文"))
        expect("商场总览" in pages.text() or "条款横向统计" in pages.text(), "back to Chinese")
        print("ok: English by switch")

        # The print stylesheet: no navigation, no forms, no page links (the overview says which malls it shows).
        pages.go("/overview?page=2")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        expect(not driver.find_element(By.CSS_SELECTOR, "nav.pager").is_displayed(), "print hides the page links")
        expect(driver.find_element(By.CSS_SELECTOR, "p.showing").is_displayed(), "print says which malls it shows")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        pages.go("/malls/" + scene["diffMall"])
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        expect(not driver.find_element(By.CSS_SELECTOR, "header.top").is_displayed(), "print hides the navigation")
        expect(not driver.find_element(By.ID, "diff-form").is_displayed(), "print hides the forms")
        pages.shot("mall-print")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        print("ok: the print stylesheet")
        pages.sign_out()

        # A mall's account: its own mall only; another mall's page is "not found".
        pages.sign_in(scene["mallAccount"], scene["password"])
        expect(pages.path() == "/overview", f"the mall account lands on the overview: {pages.path()}")
        rows = driver.find_elements(By.CSS_SELECTOR, "tr.mall-row")
        expect([r.get_attribute("data-code") for r in rows] == [scene["ownMall"]], "a mall sees its own mall only")
        pages.go("/malls/" + scene["otherMall"])
        expect("未找到" in pages.text() and scene["otherMallName"] not in pages.text(),
               "another mall's page is not found")
        pages.go("/malls/" + scene["ownMall"])
        expect(driver.find_elements(By.ID, "set-due-form") == [], "a mall cannot set due dates")
        expect(scene["ownMallItem"] in driver.find_element(By.ID, "rectification-items").text,
               "the mall sees the bureau's due date")
        pages.shot("mall-as-mall-account")
        pages.sign_out()
        pages.go("/overview")
        expect(pages.path().startswith("/sign-in"), "signed out: the overview asks to sign in")
        print("ok: a mall account sees its own mall only")
    finally:
        driver.quit()


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        scene = json.load(handle)
    started = time.time()
    try:
        run(scene)
    except Failed as failure:
        print(f"FAILED: {failure}")
        return 1
    print(f"all browser steps passed in {time.time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
