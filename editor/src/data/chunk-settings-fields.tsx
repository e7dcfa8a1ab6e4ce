/** Chunk size and overlap, as an index is created or re-indexed (the server checks them again). */
export function ChunkSettingsFields({ chunk, overlap, onChunk, onOverlap }: { chunk: number; overlap: number; onChunk: (n: number) => void; onOverlap: (n: number) => void }) {
  return (
    <div className="row chunk-settings">
      <label className="field">
        <span>Chunk size (tokens)</span>
        <input type="number" min={16} max={8192} value={chunk} onChange={(e) => onChunk(Number(e.target.value))} aria-label="Chunk tokens" />
      </label>
      <label className="field">
        <span>Overlap (tokens)</span>
        <input type="number" min={0} max={Math.floor(chunk / 2)} value={overlap} onChange={(e) => onOverlap(Number(e.target.value))} aria-label="Overlap tokens" />
      </label>
    </div>
  );
}
