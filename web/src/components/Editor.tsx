import { useEffect, useRef } from 'react';
import { basicSetup, EditorView } from 'codemirror';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';

export interface EditorMark {
  line: number;
  column: number | null;
  message: string;
}

const theme = EditorView.theme(
  {
    '&': { backgroundColor: '#0d1218', color: '#d8dee6', height: '100%' },
    '.cm-gutters': { backgroundColor: '#0d1218', color: '#5d6b7c', border: 'none' },
    '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: '#141b24' },
    '&.cm-focused .cm-cursor': { borderLeftColor: '#e8edf3' },
    '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: '13px' },
  },
  { dark: true },
);

/** CodeMirror 6 holding `value`; `mark` underlines an error and puts it in the gutter. */
export function ScriptEditor({ value, onChange, mark }: { value: string; onChange: (v: string) => void; mark: EditorMark | null }) {
  const box = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: box.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          lintGutter(),
          theme,
          EditorView.contentAttributes.of({ 'aria-label': 'Bot script' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    if (!mark) {
      v.dispatch(setDiagnostics(v.state, []));
      return;
    }
    const lineNo = Math.min(Math.max(1, mark.line), v.state.doc.lines);
    const line = v.state.doc.line(lineNo);
    const from = Math.min(line.from + Math.max(0, (mark.column ?? 1) - 1), line.to);
    const to = Math.min(Math.max(from + 1, line.to), v.state.doc.length);
    v.dispatch(setDiagnostics(v.state, [{ from, to, severity: 'error', message: mark.message }]));
    v.dispatch({ selection: { anchor: from }, scrollIntoView: true });
  }, [mark]);

  return <div className="editor" ref={box} data-testid="editor" />;
}
