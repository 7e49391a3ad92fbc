from django.db import migrations

FTS = "troubleshooter_searchentry_fts"
SOURCE = "troubleshooter_searchentry"

CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, body, keywords, content='{SOURCE}', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {SOURCE} BEGIN "
    f"INSERT INTO {FTS}(rowid, title, body, keywords) VALUES (new.id, new.title, new.body, new.keywords); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {SOURCE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, body, keywords) VALUES ('delete', old.id, old.title, old.body, old.keywords); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON {SOURCE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, body, keywords) VALUES ('delete', old.id, old.title, old.body, old.keywords); "
    f"INSERT INTO {FTS}(rowid, title, body, keywords) VALUES (new.id, new.title, new.body, new.keywords); END",
]
DROP = [f"DROP TRIGGER IF EXISTS {FTS}_au", f"DROP TRIGGER IF EXISTS {FTS}_ad", f"DROP TRIGGER IF EXISTS {FTS}_ai", f"DROP TABLE IF EXISTS {FTS}"]


def run(statements):
    def apply(apps, schema_editor):
        # Only SQLite has FTS5; PostgreSQL searches the source table directly.
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("troubleshooter", "0002_diagnosis")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
