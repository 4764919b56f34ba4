"""The Merkle leaves and the signed tree heads are append-only too: UPDATE and DELETE are refused.

TRUNCATE is not refused on these two tables (on PostgreSQL), nor DELETE on SQLite, so that
Django can still empty the test database after transactional tests; removing leaves or heads
is detected by `bedside audit verify` against the tree heads exported outside the database.
"""

from django.db import migrations

TABLES = ("audit_auditleaf", "audit_audittreehead")

PG_UP = """
CREATE OR REPLACE FUNCTION bedside_audit_tree_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table} "
    f"FOR EACH ROW EXECUTE FUNCTION bedside_audit_tree_append_only();\n"
    for table in TABLES
)
PG_DOWN = "".join(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS bedside_audit_tree_append_only();"
)
SQLITE_UP = [
    f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
    for table in TABLES
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {table}_no_update;" for table in TABLES]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_merkle_tree")]
    operations = [migrations.RunPython(forwards, backwards)]
