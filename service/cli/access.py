"""Tenants and API keys."""

from __future__ import annotations

import click

from service.cli.context import app_context, current_session


@click.group()
def tenants() -> None:
    """Tenants: every article, key and query belongs to one."""


@tenants.command("create")
@click.argument("name")
def tenants_create(name: str) -> None:
    """Create a tenant called NAME."""
    from service.access.keys import create_tenant, get_tenant

    with app_context():
        if get_tenant(current_session(), name):
            raise click.ClickException(f"tenant {name!r} exists already")
        tenant = create_tenant(current_session(), name)
        click.echo(f"tenant {tenant.name}: {tenant.id}")


@tenants.command("list")
def tenants_list() -> None:
    """List tenants."""
    from service.access.keys import list_tenants

    with app_context():
        for tenant in list_tenants(current_session()):
            click.echo(f"{tenant.id}  {tenant.name}")


@click.group()
def keys() -> None:
    """API keys: shown once when created, stored only as a hash."""


@keys.command("create")
@click.option("--tenant", "tenant_name", required=True, help="Tenant name (see `ingest tenants`).")
@click.option(
    "--scope", "scopes", multiple=True, required=True, type=click.Choice(["ingest", "read", "admin", "metrics"])
)
@click.option("--name", default=None, help="A label for people, e.g. who uses the key.")
@click.option("--create-tenant", is_flag=True, help="Create the tenant first when it does not exist.")
def keys_create(tenant_name: str, scopes: tuple[str, ...], name: str | None, create_tenant: bool) -> None:
    """Issue a key; the key itself is printed once, on stdout, and cannot be shown again."""
    from service.access.keys import UnknownTenant, create_key, get_tenant
    from service.access.keys import create_tenant as make_tenant

    with app_context():
        if create_tenant and get_tenant(current_session(), tenant_name) is None:
            make_tenant(current_session(), tenant_name)
        try:
            issued = create_key(current_session(), tenant_name, list(scopes), name=name)
        except UnknownTenant:
            raise click.ClickException(
                f"no tenant {tenant_name!r}: `ingest tenants create {tenant_name}` or add --create-tenant"
            ) from None
        click.echo(f"key {issued.record.id} for {tenant_name}, scopes {' '.join(issued.record.scopes)}", err=True)
        click.echo("Store it now: it is not kept and cannot be shown again.", err=True)
        click.echo(issued.secret)


@keys.command("list")
@click.option("--tenant", "tenant_name", default=None)
def keys_list(tenant_name: str | None) -> None:
    """List keys (prefix, scopes, state), never the keys themselves."""
    from service.access.keys import list_keys

    with app_context():
        for record in list_keys(current_session(), tenant_name):
            state = f"revoked {record.revoked_at:%Y-%m-%d}" if record.revoked_at else "active"
            click.echo(
                f"{record.id}  {record.tenant.name:<20} {record.prefix}...  {','.join(record.scopes):<18} "
                f"{state:<18} {record.name or ''}"
            )


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id (or its prefix); requests with it are refused from now on."""
    from service.access.keys import revoke_key

    with app_context():
        record = revoke_key(current_session(), key_id)
        if record is None:
            raise click.ClickException(f"no key {key_id!r}")
        click.echo(f"revoked {record.id} ({record.prefix}...)")
