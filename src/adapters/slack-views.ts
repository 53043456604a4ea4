import type { HomeView, ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';

/** Home tab and modals: views.publish, views.open, views.update (the only code that sends views to Slack). */
export interface SlackViews {
  publishHome(userId: string, view: HomeView): Promise<void>;
  openModal(triggerId: string, view: ModalView): Promise<void>;
  updateModal(viewId: string, hash: string | undefined, view: ModalView): Promise<void>;
}

export class WebSlackViews implements SlackViews {
  constructor(private readonly client: WebClient) {}

  async publishHome(userId: string, view: HomeView): Promise<void> {
    await this.client.views.publish({ user_id: userId, view });
  }

  async openModal(triggerId: string, view: ModalView): Promise<void> {
    await this.client.views.open({ trigger_id: triggerId, view });
  }

  async updateModal(viewId: string, hash: string | undefined, view: ModalView): Promise<void> {
    await this.client.views.update({ view_id: viewId, ...(hash ? { hash } : {}), view });
  }
}
