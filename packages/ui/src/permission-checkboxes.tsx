/**
 * The permissions a new key may be given, one checkbox each; none without any to give.
 * @internal
 */
export function PermissionCheckboxes<P extends string>({
  permissions,
  granted,
  onChange,
}: {
  permissions: readonly P[];
  granted: ReadonlySet<P>;
  onChange: (granted: ReadonlySet<P>) => void;
}) {
  if (permissions.length === 0) return null;
  return (
    <fieldset data-slot="permissions">
      <legend>Permissions</legend>
      {permissions.map((permission) => (
        <label key={permission} data-slot="checkbox">
          <input
            type="checkbox"
            name="permissions"
            value={permission}
            checked={granted.has(permission)}
            onChange={(event) => {
              const next = new Set(granted);
              if (event.target.checked) next.add(permission);
              else next.delete(permission);
              onChange(next);
            }}
          />
          <code>{permission}</code>
        </label>
      ))}
    </fieldset>
  );
}
