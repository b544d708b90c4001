from django.db import migrations, models


def fill_sits_on(apps, schema_editor):
    """Tiers already in the database get what tiers.toml says they sit on (an ingest would do it
    too, but only when it runs)."""
    from ingest.vocab import tier_specs
    from ingest.writing import tier_bases

    EnterpriseTier = apps.get_model("enterprises", "EnterpriseTier")
    for spec in tier_specs():
        EnterpriseTier.objects.filter(slug=spec.slug).update(sits_on=tier_bases(spec))


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprisetier",
            name="sits_on",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='Tiers of other ladders this one stands on: [{"tier": slug, "when": condition}]',
                verbose_name="同样适用",
            ),
        ),
        migrations.RunPython(fill_sits_on, migrations.RunPython.noop),
    ]
