import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueJobModule } from '../lib/index.js';
import { SampleAdminGuard } from './admin.guard.js';
import { JobsController } from './jobs.controller.js';
import { Order } from './order.entity.js';
import { OrderService } from './order.service.js';
import { OrdersController } from './orders.controller.js';

@Module({})
export class AppModule {
  /** The shop on the PostgreSQL database at `url`. */
  static forDatabase(url: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // `synchronize` creates the shop's own table; the queue_job tables come from the module's migrations.
        TypeOrmModule.forRoot({ type: 'postgres', url, entities: [Order], synchronize: true }),
        TypeOrmModule.forFeature([Order]),
        // QUEUE_JOB_CHANNELS in the environment wins over this. The Job Queue admin is at /queue-job,
        // behind HTTP basic auth (sample default: admin / admin, see SampleAdminGuard).
        QueueJobModule.forRoot({ channels: 'root:4,root.sale:2,root.mail:1', admin: { path: '/queue-job', guard: SampleAdminGuard } }),
      ],
      controllers: [OrdersController, JobsController],
      providers: [OrderService],
    };
  }
}
