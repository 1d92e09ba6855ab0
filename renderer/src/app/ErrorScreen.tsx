/** Shown instead of the app when the renderer cannot reach the core (text only). */
export function ErrorScreen({ title, message }: { title: string; message: string }) {
  return (
    <div className="error-screen" role="alert">
      <h1>Ringside</h1>
      <h2>{title}</h2>
      <p>{message}</p>
      <p>Restart Ringside. If this keeps happening, tell your administrator what this screen says.</p>
    </div>
  );
}
