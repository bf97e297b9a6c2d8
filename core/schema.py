"""Is this database what its migrations made it? A fingerprint of every object, recorded and compared.

Each migration run that applies a revision records a fingerprint of every function, table (columns,
constraints, indexes, triggers), view, sequence and enum type in ``schema_catalog``. ``schema_drift`` compares
the live catalog with that record, so a function changed or dropped by hand, or a table altered behind the
migrations, is named. The fingerprints come from the server's own catalog, so they hold on any PostgreSQL
version; the upgrade tests compare the same fingerprints between a fresh install and every upgrade path.
"""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from core.db import schema_is_current
from core.wording import counted

# What the record itself and alembic's bookkeeping are: never part of the comparison.
BOOKKEEPING_TABLES = ("alembic_version", "schema_catalog")

CATALOG_SQL = """
SELECT 'function' AS kind, p.oid::regprocedure::text AS name,
       md5(concat_ws('|', pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), l.lanname, p.prokind,
                     p.provolatile, p.proretset, p.prosecdef, p.proconfig::text, p.prosrc)) AS fingerprint
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_language l ON l.oid = p.prolang
 WHERE n.nspname = 'public'
UNION ALL
SELECT 'table', c.relname,
       md5(concat_ws('|',
           (SELECT string_agg(concat_ws(' ', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                                        a.attgenerated, a.attidentity, pg_get_expr(d.adbin, d.adrelid)),
                              ', ' ORDER BY a.attname)
              FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
           (SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), ', ' ORDER BY k.conname)
              FROM pg_constraint k WHERE k.conrelid = c.oid),
           (SELECT string_agg(pg_get_indexdef(i.indexrelid), ', ' ORDER BY pg_get_indexdef(i.indexrelid))
              FROM pg_index i WHERE i.indrelid = c.oid),
           (SELECT string_agg(pg_get_triggerdef(t.oid), ', ' ORDER BY t.tgname)
              FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> ALL (:bookkeeping)
UNION ALL
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'sequence' END, c.relname,
       CASE WHEN c.relkind IN ('v', 'm') THEN md5(pg_get_viewdef(c.oid)) ELSE '' END
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm', 'S')
UNION ALL
SELECT 'type', t.typname,
       md5(coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                       FROM pg_enum e WHERE e.enumtypid = t.oid), ''))
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
"""


class SchemaDriftError(RuntimeError):
    """Migrations refuse a drifted database: migrating would record the hand change as if they had made it."""


@dataclass(frozen=True)
class Drift:
    kind: str  # function, table, view, sequence, type
    name: str  # e.g. place_order(certificate_type,order_side,...)
    problem: str  # "changed", "missing" or "unexpected"

    def __str__(self) -> str:
        what = {
            "changed": "differs from what the migrations installed",
            "missing": "is missing",
            "unexpected": "was not installed by the migrations",
        }[self.problem]
        return f"{self.kind} {self.name} {what}"


def catalog(connection: Connection) -> dict[tuple[str, str], str]:
    """(kind, name) → fingerprint of every object in the public schema but the bookkeeping tables."""
    rows = connection.execute(text(CATALOG_SQL), {"bookkeeping": list(BOOKKEEPING_TABLES)})
    return {(r.kind, r.name): r.fingerprint for r in rows}


def _has_record(connection: Connection) -> bool:
    if not connection.execute(text("SELECT to_regclass('schema_catalog') IS NOT NULL")).scalar():
        return False
    return bool(connection.execute(text("SELECT EXISTS (SELECT 1 FROM schema_catalog)")).scalar())


def record_catalog(connection: Connection) -> int:
    """Store the live catalog as what the migrations installed; returns how many objects it holds (none
    before revision 0006, which creates the record)."""
    if not connection.execute(text("SELECT to_regclass('schema_catalog') IS NOT NULL")).scalar():
        return 0
    current = catalog(connection)
    connection.execute(text("DELETE FROM schema_catalog"))
    connection.execute(
        text("INSERT INTO schema_catalog (kind, name, fingerprint) VALUES (:k, :n, :f)"),
        [{"k": k, "n": n, "f": f} for (k, n), f in sorted(current.items())],
    )
    return len(current)


def schema_drift(connection: Connection) -> list[Drift]:
    """Every object that differs from the record, is missing from the database, or is not in the record.

    A database with no record yet (before the first migration that keeps one) has nothing to compare.
    """
    if not _has_record(connection):
        return []
    recorded = {(r.kind, r.name): r.fingerprint for r in connection.execute(text("SELECT * FROM schema_catalog"))}
    live = catalog(connection)
    drift = [
        Drift(kind, name, "missing" if (kind, name) not in live else "changed")
        for (kind, name), fingerprint in recorded.items()
        if live.get((kind, name)) != fingerprint
    ]
    drift += [Drift(kind, name, "unexpected") for (kind, name) in live.keys() - recorded.keys()]
    return sorted(drift, key=lambda d: (d.problem, d.kind, d.name))


def describe(drift: list[Drift]) -> str:
    """One paragraph naming every drifted object, for the CLI, the app and the migration refusal."""
    lines = "\n".join(f"  - {d}" for d in drift)
    return (
        f"The database schema has drifted from its migrations ({counted(len(drift), 'object')}):\n{lines}\n"
        "Restore them from sql/ (or undo the hand change) and run `python -m core.cli check-schema` again."
    )


def head_problems(engine: Engine) -> str | None:
    """Why this database cannot be served as head (not migrated to the newest revision, or drifted); None if
    it can. ``python -m core.cli check-schema`` prints it, a worker stops with it, and the app's pages show it instead
    of serving a database they would misread."""
    if not schema_is_current(engine):
        return "The database schema is not at the newest revision: run `alembic upgrade head` first."
    with engine.connect() as conn:
        drift = schema_drift(conn)
    return describe(drift) if drift else None
