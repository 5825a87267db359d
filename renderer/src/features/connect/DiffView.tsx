/** A unified diff, each line coloured by what it does; the file headers are dropped (the path is shown above). */
export function DiffView({ diff }: { diff: string }) {
  const lines = diff
    .split('\n')
    .filter((l) => !/^(Index: |={5,}|--- |\+\+\+ )/.test(l))
    .filter((l, i, all) => !(l === '' && i === all.length - 1));
  return (
    <pre className="diff" data-testid="connect-diff" aria-label="Changes to the file">
      {lines.map((line, i) => {
        const kind = line.startsWith('+')
          ? 'add'
          : line.startsWith('-')
            ? 'del'
            : line.startsWith('@@')
              ? 'hunk'
              : 'ctx';
        return (
          <span key={i} className={`diff-${kind}`}>
            {line}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}
