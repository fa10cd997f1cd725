import { Button, DotLoading, ErrorBlock } from 'antd-mobile';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../api.ts';
import { useI18n } from '../i18n.ts';

/**
 * Loading a screen's data: `useLoad(() => getX(), key)` loads when `key`
 * changes (and on `reload()`); `<Loaded load={…}>{(data) => …}</Loaded>`
 * shows a spinner, the error with a retry button, or the content. A reload
 * keeps the previous content on screen until the new one arrives.
 */
export type LoadState<T> = { kind: 'loading' } | { kind: 'ok'; data: T } | { kind: 'error'; error: unknown };

export interface Load<T> {
  state: LoadState<T>;
  reload: () => void;
  /** Replace the data (after a save answered with the new state). */
  set: (data: T) => void;
}

export function useLoad<T>(load: () => Promise<T>, key = ''): Load<T> {
  const [state, setState] = useState<LoadState<T>>({ kind: 'loading' });
  const [round, setRound] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  const request = `${key}#${round}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again when the key changes or on reload(); the loader is read through a ref
  useEffect(() => {
    let live = true;
    setState((s) => (s.kind === 'ok' ? s : { kind: 'loading' }));
    latest.current().then(
      (data) => live && setState({ kind: 'ok', data }),
      (error: unknown) => live && setState({ kind: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [request]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  const set = useCallback((data: T) => setState({ kind: 'ok', data }), []);
  return { state, reload, set };
}

export function Loaded<T>(props: { load: Load<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  const { state } = props.load;
  switch (state.kind) {
    case 'loading':
      return (
        <div className="center" role="status">
          {t('common.loading')}
          <DotLoading />
        </div>
      );
    case 'error':
      return (
        <ErrorBlock status="default" title={t('error.internal')} description={errorText(state.error, t)}>
          <Button color="primary" size="small" onClick={props.load.reload}>
            {t('common.retry')}
          </Button>
        </ErrorBlock>
      );
    case 'ok':
      return <>{props.children(state.data)}</>;
  }
}
