/** The failure of a panel's request, shown in the dialog because the app's alert region is behind it. */
export function InlineError({ error }: { error: string | null }) {
  return error ? (
    <p className="form-errors" role="alert">
      {error}
    </p>
  ) : null;
}
