import GRDB

/// The store's schema, as GRDB migrations. Never edit a registered migration: add the next one ("v2", …).
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5") { db in
            try db.execute(sql: v5)
        }
        migrator.registerMigration("v6") { db in
            try db.execute(sql: v6)
        }
        return migrator
    }

    /// Version 1. Verdicts, sources and statuses are checked by the database itself, so that no other writer
    /// can store a value the model does not know; an N/A decision cannot be stored without a justification.
    static let v1 = """
        -- Each distinct checklist a run was judged with, as JSON (AuditModel.Checklist), keyed by the body's SHA-256.
        CREATE TABLE checklists (
            body_sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(body_sha256) = 64),
            version TEXT NOT NULL,
            digest TEXT NOT NULL,
            body TEXT NOT NULL CHECK (json_valid(body))
        );

        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            site_name TEXT NOT NULL,
            site_digest TEXT,
            checklist_version TEXT NOT NULL,
            checklist_digest TEXT NOT NULL,
            checklist_body_sha256 TEXT NOT NULL REFERENCES checklists(body_sha256),
            tool_version TEXT NOT NULL,
            sqlite_version TEXT NOT NULL,
            assessor TEXT,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted')),
            conformance TEXT CHECK (conformance IN ('conformant', 'nonConformant', 'incomplete')),
            -- The process that runs it, to tell a live run from one left behind by a killed process.
            owner_host TEXT,
            owner_pid INTEGER,
            owner_boot_id TEXT,
            owner_start_ticks INTEGER
        );

        -- One result per statement per run; a re-judgement replaces the row (and its evidence and N/A decision).
        CREATE TABLE results (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            statement_id TEXT NOT NULL CHECK (length(statement_id) > 0),
            verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'error', 'notApplicable', 'notAssessed')),
            source TEXT NOT NULL CHECK (source IN ('probe', 'data', 'manual', 'decision', 'none')),
            producer TEXT,
            measured_value REAL,
            measured_unit TEXT,
            sample INTEGER,
            margin REAL,
            threshold_quantity TEXT,
            threshold_comparison TEXT CHECK (threshold_comparison IN ('gt', 'ge', 'lt', 'le', 'eq')),
            threshold_value REAL,
            threshold_unit TEXT,
            reason TEXT NOT NULL,
            observations TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(observations)),
            judged_at TEXT NOT NULL,
            UNIQUE (run_id, statement_id),
            CHECK ((measured_value IS NULL) = (measured_unit IS NULL)),
            CHECK ((threshold_quantity IS NULL) = (threshold_comparison IS NULL)
                AND (threshold_quantity IS NULL) = (threshold_value IS NULL)
                AND (threshold_quantity IS NULL) = (threshold_unit IS NULL))
        );

        -- Files backing a result. The bytes are in evidence/<sha256> beside the database (stored_path).
        CREATE TABLE evidence (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL,
            statement_id TEXT NOT NULL,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            size INTEGER NOT NULL CHECK (size >= 0),
            collected_by TEXT,
            collected_at TEXT,
            description TEXT,
            stored_path TEXT NOT NULL,
            FOREIGN KEY (run_id, statement_id) REFERENCES results(run_id, statement_id) ON DELETE CASCADE
        );
        CREATE INDEX evidence_by_result ON evidence(run_id, statement_id);
        CREATE INDEX evidence_by_sha256 ON evidence(sha256);

        -- Not-applicable decisions: never silent, always justified and attributed.
        CREATE TABLE na_decisions (
            run_id INTEGER NOT NULL,
            statement_id TEXT NOT NULL,
            justification TEXT NOT NULL CHECK (length(trim(justification, ' ' || char(9, 10, 13))) > 0),
            decided_by TEXT NOT NULL CHECK (length(trim(decided_by, ' ' || char(9, 10, 13))) > 0),
            decided_at TEXT NOT NULL,
            PRIMARY KEY (run_id, statement_id),
            FOREIGN KEY (run_id, statement_id) REFERENCES results(run_id, statement_id) ON DELETE CASCADE
        );
        """

    /// Version 2: what the probes and data checks alone concluded for a statement, kept beside a result that also
    /// merges an inspector's finding. A later finding is combined with this again — never with an earlier finding —
    /// so correcting a manual fail to a pass cannot make an unreachable device or a failed probe disappear.
    static let v2 = """
        CREATE TABLE automated_results (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            statement_id TEXT NOT NULL CHECK (length(statement_id) > 0),
            result TEXT NOT NULL CHECK (json_valid(result)),
            PRIMARY KEY (run_id, statement_id)
        );
        """

    /// Version 3: who was audited, as a formal report names it — the mall's address and 统一社会信用代码
    /// (runs stored before v3 have neither).
    static let v3 = """
        ALTER TABLE runs ADD COLUMN mall_address TEXT;
        ALTER TABLE runs ADD COLUMN mall_credit_code TEXT;
        """

    /// Version 4: statements judged whole. A result carries its checkpoints' verdicts and, for an obligation that
    /// must hold in every area, each area's verdict (JSON arrays; `[]` for results stored before v4). A run keeps
    /// what it was judged with besides the checklist (limits, readings, declared areas, time zone) and its
    /// judgement date. The inputs of each statement's judgement — every piece of automated evidence and every
    /// inspector's finding, each bound to the statement or to one checkpoint — are kept so that a later finding is
    /// judged together with them again (this supersedes `automated_results`, which is still read for older runs).
    static let v4 = """
        ALTER TABLE results ADD COLUMN checkpoints TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(checkpoints));
        ALTER TABLE results ADD COLUMN areas TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(areas));
        ALTER TABLE runs ADD COLUMN settings TEXT CHECK (settings IS NULL OR json_valid(settings));
        ALTER TABLE runs ADD COLUMN as_of TEXT;
        CREATE TABLE judgement_inputs (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            statement_id TEXT NOT NULL CHECK (length(statement_id) > 0),
            automated TEXT NOT NULL CHECK (json_valid(automated) AND json_type(automated) = 'array'),
            findings TEXT NOT NULL CHECK (json_valid(findings) AND json_type(findings) = 'array'),
            PRIMARY KEY (run_id, statement_id)
        );
        """

    /// Version 5: the scope a run was asked to judge (`mallaudit run --only`), as the ids given — a JSON array of
    /// statement, clause or section ids; NULL for a run of the whole checklist (and for runs stored before v5, which
    /// did not record it). Reports print it in their header.
    static let v5 = """
        ALTER TABLE runs ADD COLUMN scope TEXT
            CHECK (scope IS NULL OR (json_valid(scope) AND json_type(scope) = 'array'));
        """

    /// Version 6: the digests of the inputs a run was started with (site profile, probe files, findings file,
    /// checklist; JSON, `RunInputs`), so that `--resume` refuses inputs edited in between; and each time a resume was
    /// told to go on with changed inputs (`--accept-changed-inputs`): when, and what had changed (a JSON array).
    /// NULL for runs stored before v6.
    static let v6 = """
        ALTER TABLE runs ADD COLUMN inputs TEXT CHECK (inputs IS NULL OR json_valid(inputs));
        ALTER TABLE runs ADD COLUMN accepted_input_changes TEXT
            CHECK (accepted_input_changes IS NULL OR (json_valid(accepted_input_changes)
                AND json_type(accepted_input_changes) = 'array'));
        """
}
