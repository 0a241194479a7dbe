/// The schema, as versioned migrations (docs/server.md describes the tables).
///
/// Rules the schema itself enforces, so that no code path can break them:
/// - what was ingested never changes: `runs`, `bundles`, `statement_results`, `checkpoint_results`, `findings`,
///   `evidence` and `signatures` refuse UPDATE and DELETE (trigger `refuse_change`);
/// - the access log is append-only: UPDATE, DELETE and TRUNCATE are refused by trigger and revoked from PUBLIC;
/// - one run per statement digest (`runs.statement_digest` is unique): ingest is idempotent;
/// - a mall account is bound to exactly one mall; other roles to none;
/// - at most one open rectification item per mall and statement;
/// - `answer_version` moves with every committed change to what the malls list reads (migration 3).
enum SchemaMigrations {
    static let all: [Migration] = [initial, signedBundles, answerVersion, clauseIndex]

    static let verdicts = "'pass', 'fail', 'error', 'notApplicable', 'notAssessed'"

    static let initial = Migration(
        version: 1, name: "initial",
        statements: [
            """
            CREATE TABLE malls (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                credit_code text NOT NULL UNIQUE CHECK (credit_code ~ '^[0-9A-Z]{18}$'),
                name text NOT NULL,
                district text,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE accounts (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9._@-]{1,64}$'),
                display_name text NOT NULL DEFAULT '',
                role text NOT NULL
                    CHECK (role IN ('bureau-admin', 'bureau-viewer', 'inspector', 'evaluator', 'mall')),
                mall_id bigint REFERENCES malls (id),
                password_hash text,
                created_at timestamptz NOT NULL DEFAULT now(),
                disabled_at timestamptz,
                failed_sign_ins integer NOT NULL DEFAULT 0,
                locked_until timestamptz,
                CONSTRAINT mall_accounts_have_one_mall CHECK ((role = 'mall') = (mall_id IS NOT NULL))
            )
            """,
            """
            CREATE TABLE api_tokens (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES accounts (id),
                token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
                label text NOT NULL DEFAULT '',
                created_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz,
                revoked_at timestamptz
            )
            """,
            "CREATE INDEX api_tokens_account ON api_tokens (account_id)",
            """
            CREATE TABLE sessions (
                id_sha256 text PRIMARY KEY CHECK (id_sha256 ~ '^[0-9a-f]{64}$'),
                account_id bigint NOT NULL REFERENCES accounts (id),
                csrf_token text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                last_seen_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz NOT NULL,
                ended_at timestamptz,
                client text
            )
            """,
            "CREATE INDEX sessions_account ON sessions (account_id)",
            """
            CREATE TABLE signer_keys (
                fingerprint text PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES accounts (id),
                algorithm text NOT NULL,
                public_key text NOT NULL,
                valid_from timestamptz NOT NULL,
                valid_until timestamptz,
                revoked_at timestamptz,
                revocation_reason text,
                registered_at timestamptz NOT NULL DEFAULT now(),
                CHECK (valid_until IS NULL OR valid_until > valid_from)
            )
            """,
            "CREATE INDEX signer_keys_account ON signer_keys (account_id)",
            """
            CREATE TABLE runs (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                statement_digest text NOT NULL UNIQUE,
                mall_id bigint NOT NULL REFERENCES malls (id),
                run_ref text NOT NULL,
                declared_mall_name text NOT NULL,
                declared_district text,
                judgement_date date NOT NULL,
                tool_version text NOT NULL,
                checklist_digest text,
                format_version text,
                conformance text NOT NULL CHECK (conformance IN ('conformant', 'nonConformant', 'incomplete')),
                pass_count integer NOT NULL,
                fail_count integer NOT NULL,
                error_count integer NOT NULL,
                not_applicable_count integer NOT NULL,
                not_assessed_count integer NOT NULL,
                shall_failures integer NOT NULL,
                should_adoption double precision,
                filed_by bigint NOT NULL REFERENCES accounts (id),
                filer_role text NOT NULL,
                self_audit boolean NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX runs_mall_latest ON runs (mall_id, judgement_date DESC, received_at DESC, id DESC)",
            "CREATE INDEX runs_filed_by ON runs (filed_by, mall_id)",
            """
            CREATE TABLE bundles (
                sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
                run_id bigint NOT NULL REFERENCES runs (id),
                size bigint NOT NULL,
                uploaded_by bigint NOT NULL REFERENCES accounts (id),
                received_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX bundles_run ON bundles (run_id)",
            """
            CREATE TABLE statement_results (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                run_id bigint NOT NULL REFERENCES runs (id),
                statement_id text NOT NULL,
                clause_id text NOT NULL,
                modality text NOT NULL CHECK (modality IN ('shall', 'shallNot', 'should', 'may')),
                verdict text NOT NULL CHECK (verdict IN (\(verdicts))),
                reason text NOT NULL,
                measured_value double precision,
                threshold text,
                unit text,
                sample integer,
                margin double precision,
                UNIQUE (run_id, statement_id)
            )
            """,
            "CREATE INDEX statement_results_by_statement ON statement_results (statement_id, verdict)",
            """
            CREATE TABLE checkpoint_results (
                statement_result_id bigint NOT NULL REFERENCES statement_results (id),
                checkpoint_id text NOT NULL,
                verdict text NOT NULL CHECK (verdict IN (\(verdicts))),
                reason text NOT NULL,
                PRIMARY KEY (statement_result_id, checkpoint_id)
            )
            """,
            """
            CREATE TABLE findings (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                run_id bigint NOT NULL REFERENCES runs (id),
                statement_id text NOT NULL,
                checkpoint_id text,
                verdict text NOT NULL CHECK (verdict IN (\(verdicts))),
                note text NOT NULL,
                assessor text,
                recorded_at text
            )
            """,
            "CREATE INDEX findings_run ON findings (run_id)",
            """
            CREATE TABLE evidence (
                run_id bigint NOT NULL REFERENCES runs (id),
                sha256 text NOT NULL,
                name text NOT NULL,
                size bigint,
                statement_id text,
                checkpoint_id text
            )
            """,
            "CREATE INDEX evidence_run ON evidence (run_id)",
            "CREATE INDEX evidence_sha256 ON evidence (sha256)",
            """
            CREATE TABLE signatures (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                run_id bigint NOT NULL REFERENCES runs (id),
                fingerprint text NOT NULL REFERENCES signer_keys (fingerprint),
                account_id bigint NOT NULL REFERENCES accounts (id),
                role text NOT NULL,
                signer text,
                algorithm text NOT NULL,
                signed_at timestamptz NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now(),
                bundle_sha256 text NOT NULL REFERENCES bundles (sha256),
                UNIQUE (run_id, fingerprint, role)
            )
            """,
            """
            CREATE TABLE rectifications (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                mall_id bigint NOT NULL REFERENCES malls (id),
                statement_id text NOT NULL,
                opened_run_id bigint NOT NULL REFERENCES runs (id),
                due_date date NOT NULL,
                due_set_by bigint NOT NULL REFERENCES accounts (id),
                due_set_at timestamptz NOT NULL DEFAULT now(),
                state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
                progress_run_id bigint REFERENCES runs (id),
                closed_at timestamptz,
                closed_by_run_id bigint REFERENCES runs (id),
                closed_by_account bigint REFERENCES accounts (id),
                close_reason text CHECK (close_reason IN ('passing-run', 'bureau-confirmation')),
                close_note text,
                created_at timestamptz NOT NULL DEFAULT now(),
                CHECK ((state = 'closed') = (closed_at IS NOT NULL AND close_reason IS NOT NULL))
            )
            """,
            """
            CREATE UNIQUE INDEX rectifications_one_open ON rectifications (mall_id, statement_id)
                WHERE state = 'open'
            """,
            """
            CREATE TABLE access_log (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at timestamptz NOT NULL DEFAULT clock_timestamp(),
                account_id bigint,
                account_name text,
                action text NOT NULL,
                mall_id bigint,
                target text,
                client text,
                outcome text NOT NULL,
                detail text
            )
            """,
            "CREATE INDEX access_log_at ON access_log (at)",
            """
            CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """,
            """
            CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
                FOR EACH ROW EXECUTE FUNCTION refuse_change()
            """,
            """
            CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
                FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()
            """,
            "REVOKE UPDATE, DELETE, TRUNCATE ON access_log FROM PUBLIC",
        ]
            + ["runs", "bundles", "statement_results", "checkpoint_results", "findings", "evidence", "signatures"]
            .flatMap { table in
                [
                    """
                    CREATE TRIGGER \(table)_unchanged BEFORE UPDATE OR DELETE ON \(table)
                        FOR EACH ROW EXECUTE FUNCTION refuse_change()
                    """,
                    """
                    CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table)
                        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()
                    """,
                ]
            })

    /// What the signed bundle's verified XML report adds to each result: where the verdict came from (source,
    /// producer) and each area's verdict, for statements and checkpoints; the signer's organisation.
    static let signedBundles = Migration(
        version: 2, name: "signed-bundles",
        statements: [
            """
            ALTER TABLE statement_results ADD COLUMN source text, ADD COLUMN producer text, ADD COLUMN areas jsonb
            """,
            """
            ALTER TABLE checkpoint_results ADD COLUMN source text, ADD COLUMN producer text, ADD COLUMN areas jsonb
            """,
            "ALTER TABLE signatures ADD COLUMN organization text",
        ])

    /// A change counter that PostgreSQL keeps for the answers built from malls, runs, rectifications and account
    /// names (`ReadAPI.cachedMalls`): one row, bumped once per committed transaction that inserted, updated or
    /// deleted a row of those tables, so every instance (and a replica, by replication) sees the same number and a
    /// reused answer is identified by it. The triggers are constraint triggers deferred to commit: the counter's
    /// row is locked only while a transaction commits, not from its first write on (ingest runs several
    /// transactions at once, which would otherwise queue behind each other on this one row). `last_xact` keeps a
    /// transaction that changes many rows to one bump. Accounts count only when a name changes (the filer's name
    /// is in the answer; every sign-in updates its account too). TRUNCATE bumps at once (statement triggers).
    static let answerVersion = Migration(
        version: 3, name: "answer-version",
        statements: [
            """
            CREATE TABLE answer_version (
                only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
                version bigint NOT NULL,
                last_xact xid8
            )
            """,
            "INSERT INTO answer_version (version) VALUES (1)",
            """
            CREATE FUNCTION bump_answer_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE answer_version SET version = version + 1, last_xact = pg_current_xact_id()
                    WHERE last_xact IS DISTINCT FROM pg_current_xact_id();
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE CONSTRAINT TRIGGER runs_answer_version AFTER INSERT ON runs
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_answer_version()
            """,
            """
            CREATE CONSTRAINT TRIGGER accounts_answer_version AFTER INSERT OR DELETE OR UPDATE OF name ON accounts
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_answer_version()
            """,
        ]
            + ["malls", "rectifications"].map { table in
                """
                CREATE CONSTRAINT TRIGGER \(table)_answer_version AFTER INSERT OR UPDATE OR DELETE ON \(table)
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_answer_version()
                """
            }
            + ["malls", "rectifications", "accounts"].map { table in
                """
                CREATE TRIGGER \(table)_truncate_answer_version AFTER TRUNCATE ON \(table)
                    FOR EACH STATEMENT EXECUTE FUNCTION bump_answer_version()
                """
            })

    /// One clause's results in one run, found by index: the clause pages and the per-clause statistics read the
    /// clause's few statements of every mall's latest run (about 3 of 107 per run). Without it PostgreSQL reads
    /// every statement result of the database (1.3 million rows at 1,000 malls × 12 runs) for each of a clause
    /// page's queries (docs/pages-benchmark.md). Building it takes a few seconds at that size and holds off
    /// ingest meanwhile; reads go on.
    static let clauseIndex = Migration(
        version: 4, name: "clause-index",
        statements: [
            "CREATE INDEX statement_results_run_clause ON statement_results (run_id, clause_id)"
        ])
}
