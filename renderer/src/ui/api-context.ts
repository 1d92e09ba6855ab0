import { createContext, useContext } from 'react';
import type { RingsideApi } from '../../../shared/contract';
import type { MediaEngine } from '../media/engine';

export const ApiContext = createContext<RingsideApi | null>(null);
export const MediaContext = createContext<MediaEngine | null>(null);

export function useApi(): RingsideApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() outside <App>');
  return api;
}

export function useMedia(): MediaEngine {
  const media = useContext(MediaContext);
  if (!media) throw new Error('useMedia() outside <App>');
  return media;
}
