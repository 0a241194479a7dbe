/// The commented site-profile template that `mallaudit init` writes. A mall IT person fills it in
/// without reading the source; every key is explained where it stands.
public enum SiteTemplate {
    public static let text = """
        # mallaudit site profile — describes one mall for an audit against 商场数字化服务规范.
        #
        # Fill in every value marked CHANGE ME, then check the file with:
        #     mallaudit probe --site site.yaml
        # Relative paths are relative to this file. Secrets (SNMP communities, passwords, API tokens) are
        # NEVER written here: name an environment variable instead and set it in the shell that runs mallaudit.

        mall:
          name: 示例购物中心                     # CHANGE ME: the mall's registered name
          address: 江苏省徐州市某某区某某路1号     # CHANGE ME
          credit_code: 91320300000000000X        # CHANGE ME: 统一社会信用代码, 18 characters
          district: 云龙区                        # optional: the district (区/县); signed bundles name it
          basement_levels: 2                     # basement levels (0 if none); 2 or more lets the
                                                 # machine room sit on B1 (5.2.5-2)
          machine_room_floor: 1F                 # CHANGE ME: floor of the core machine room (1F, B1 …):
                                                 # 5.2.5-1 and 5.2.5-2 are judged together from these two
          time_zone: Asia/Shanghai               # the mall's time zone (IANA name; this is the default):
                                                 # log days (5.1.2) are counted on this clock

        assessor: 张三                            # who runs the audit (shown in reports; may be overridden)

        # The mall's areas. SNMP agents below name the area they watch, so clause 5.2.2
        # (IoT sensors in every area) can be checked per area.
        areas: [B1, 1F, 2F, 3F]

        # HTTP systems the probes ask (member API, parking, kiosks, WiFi portal, payment gateway).
        # The names (member_api, …) are what probe files refer to with `system:`.
        http:
          member_api:
            base_url: https://member.example.com    # CHANGE ME
            timeout: 3                              # seconds; fractions allowed (0.5)
            headers:
              Authorization: {env: MALL_MEMBER_TOKEN, prefix: "Bearer "}   # token read from $MALL_MEMBER_TOKEN
          parking_api:
            base_url: https://parking.example.com   # CHANGE ME
          kiosk_api:
            base_url: http://kiosk.example.com      # CHANGE ME
          wifi_portal:
            base_url: http://wifi-portal.example.com  # CHANGE ME: an address a guest's first request reaches
          payment_api:
            base_url: https://pay.example.com       # CHANGE ME
            # ca_file: certs/internal-ca.pem        # a private CA, if the mall uses one
            # verify_tls: true                      # never switch off for a real audit
          # The systems probes/digital-services.yaml asks (docs/probes.md, "What a mall's systems must expose").
          analytics_api:                            # footfall analysis, goods management and forecasts
            base_url: https://analytics.example.com # CHANGE ME
          marketing_api:                            # APP / mini program / website channels, offers, pushes
            base_url: https://marketing.example.com # CHANGE ME
          signage_api:                              # signage screens and their playlists
            base_url: https://signage.example.com   # CHANGE ME
          logistics_api:                            # instant delivery and its management system
            base_url: https://logistics.example.com # CHANGE ME
          platform_api:                             # the unified data interface, merchants' API connections
            base_url: https://platform.example.com  # CHANGE ME
          building_api:                             # building automation and smart meters
            base_url: https://building.example.com  # CHANGE ME
          video_api:                                # video surveillance and its analysis
            base_url: https://video.example.com     # CHANGE ME
          service_api:                              # supervision channels and satisfaction surveys
            base_url: https://service.example.com   # CHANGE ME

        # SNMP agents: the core switch (IF-MIB), the machine-room environment monitor (ENTITY-SENSOR-MIB) and each
        # area's IoT gateway.
        snmp:
          core_switch:
            address: udp:192.0.2.9:161              # CHANGE ME: the core switch (ports tagged in ifAlias)
            version: 2c
            community_env: MALL_SNMP_COMMUNITY
          machine_room:
            address: udp:192.0.2.10:161             # CHANGE ME: udp:HOST:PORT
            version: 2c                             # 1, 2c or 3
            community_env: MALL_SNMP_COMMUNITY      # the community is read from this variable
            timeout: 1                              # seconds per try; fractions allowed
            retries: 1
          gateway_1f:
            address: udp:192.0.2.11:161             # CHANGE ME
            version: 3
            user: audit                             # SNMPv3 user
            level: authPriv                         # noAuthNoPriv, authNoPriv or authPriv
            auth_protocol: SHA                      # MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512
            auth_password_env: MALL_SNMP_AUTH
            priv_protocol: AES                      # DES, AES, AES-192, AES-256
            priv_password_env: MALL_SNMP_PRIV
            area: 1F                                # the area whose sensors this gateway reports

        # Data exports for the measured clauses. Leave out what the mall cannot export: those statements
        # are then reported as not assessed, never as passed.
        data:
          wifi_logs: exports/wifi-logs              # 5.1.2 directory of WiFi audit logs (.log, .gz, JSON lines)
          # wifi_logs_time_zone: UTC                #       the devices' clock, for stamps WITHOUT a UTC offset
                                                    #       ('Nov 20 08:14:07', '2026-11-20 08:14:07'); default:
                                                    #       the mall's time_zone. Stamps with an offset (Z, +08:00)
                                                    #       are always converted to the mall's time zone.
          # wifi_logs_year: as-of                   #       the year of a stamp without one: as-of (default: the
                                                    #       year that puts the month in the 12 months ending with
                                                    #       the month after the as-of date), file-mtime (the same,
                                                    #       from each file's modification date) or a year (2026)
          # wifi_logs_time_field: "@timestamp"      #       JSON lines: the time field (default: @timestamp,
                                                    #       then timestamp, then time)
          satisfaction: exports/survey.csv          # 8.2.1 one row per respondent
          satisfaction_column: satisfaction         #       the answer column (满意/基本满意/不满意)
          # satisfaction_excluded:                  #       answers the evaluator ruled invalid, by the line of
          #   - {line: 17, reason: 问卷重复填写}    #       their row; each needs a reason and is listed in the
                                                    #       report. Nothing else leaves the denominator: blank
                                                    #       answers count (in a one-column export, an empty line
                                                    #       before the last answer is a blank answer).
          complaints: exports/complaints.csv        # 8.1.2 columns id, received, replied
          payments: exports/payments.csv           # 6.6   one row per merchant
          catalog_online: exports/catalog-online.csv    # 6.9.1 the online mall's catalog
          catalog_offline: exports/catalog-offline.csv  #       the stores' catalog
          # calendar: calendars/cn-workdays.yaml    # working-day calendar; the bundled one by default

        # Probe definition files or directories: what to ask each system and what must hold.
        probes: [probes]

        # The inspector's findings file (manual results with evidence), if any.
        # findings: findings.yaml

        # Limits of the tool itself (numbers the standard never set): defaults shown; printed in the report's
        # method section. Probe files say `limit` to use them (max_age: limit).
        # limits:
        #   sensor_max_age: 900            # seconds a sensor's last reading may be old
        #   certificate_margin_days: 30    # days a certificate must stay valid
        #   tls_min_version: "1.2"

        # Readings of words the standard leaves open: defaults shown (docs/probes.md).
        # readings:
        #   payment_capability: mall       # 6.6.2-1: mall (the mall offers each) or eachMerchant
        #   basement_exception_levels: 2   # 5.2.5-2 如有地下二、三层

        # Personal information beyond the built-in rules (phones, MACs, ID cards, e-mails; docs/privacy.md): masked
        # before anything is stored or reported.
        # privacy:
        #   personal_columns: [访客]
        #   patterns:
        #     - {name: plate, regex: "苏[A-Z][A-Z0-9]{5}"}

        # Statements that do not apply to this mall. Each needs a justification and who decided it;
        # they are listed in every report, never hidden. (5.2.5-1/5.2.5-2 are judged from mall.machine_room_floor.)
        # not_applicable:
        #   - statement: 6.8.a
        #     justification: …
        #     decided_by: 张三
        #     decided_at: 2026-11-01
        """
}
