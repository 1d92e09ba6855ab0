import type { StateCreator } from 'zustand';
import type { BoardView } from '../../../../shared/supervision';
import type { RingsideState } from '../store';

export interface BoardSlice {
  /** The live board of agents (supervisor roles), as main last sent it; null for an agent-only install. */
  board: BoardView | null;
  /** From the snapshot and `board:changed`. */
  setBoard(board: BoardView | null): void;
}

export const createBoardSlice: StateCreator<RingsideState, [], [], BoardSlice> = (set) => ({
  board: null,
  setBoard: (board) => set({ board }),
});
